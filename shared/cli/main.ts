import { parseArgs } from 'node:util';

const USAGE = `Usage: invalidator <command> [options]

Commands:
  plan      show the invalidation paths for a set of changed S3 keys (dry run)
  report    monthly cost report from the DynamoDB counters
  local     run the whole pipeline on this machine (same as npm start)

Run \`invalidator <command> --help\` for a command's options.`;

/** Exit codes of the CLI: 0 ok, 1 runtime failure, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs the `invalidator` command line and returns its exit code.
 *
 * @param argv - arguments after the program name
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  parseArgs({ args: [], options: {} });
  process.stderr.write(`invalidator: unknown command '${command}' (${rest.length} args): try --help\n`);
  return EXIT.usage;
}
