import { EXIT } from './exit-codes.ts';
import { type CliIo, createProcessIo } from './io.ts';
import { runLocal } from './local.ts';
import { runPlan } from './plan.ts';
import { runReport } from './report.ts';

export { EXIT } from './exit-codes.ts';

const USAGE = `Usage: invalidator <command> [options]

Commands:
  plan      show the invalidation paths for a set of changed S3 keys (dry run)
  report    monthly cost report from the DynamoDB counters
  local     run the whole pipeline on this machine (same as npm start)

Run \`invalidator <command> --help\` for a command's options.`;

/** A subcommand: takes the arguments after its name, returns the exit code. */
type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** The subcommands wired so far, by name. */
const COMMANDS: Readonly<Record<string, Command>> = {
  plan: runPlan,
  report: runReport,
  local: runLocal,
};

/**
 * Runs the `invalidator` command line and returns its exit code.
 *
 * @param argv - arguments after the program name
 * @param io - standard streams and file reading; the real process by default
 */
export async function runCli(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    io.stderr.write(`invalidator: unknown command '${command}': try --help\n`);
    return EXIT.usage;
  }
  return run(rest, io);
}
