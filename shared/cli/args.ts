import { UsageError } from './usage-error.ts';

/**
 * Joins a flag that takes a value with a next argument that starts with "-" (`--max-paths -5`
 * becomes `--max-paths=-5`), so the flag's own check names it; node's parser would refuse it as
 * "ambiguous". A next argument that is itself a flag is an error: the value is missing.
 *
 * @throws UsageError when a flag's value is missing
 */
export function attachDashValues(argv: readonly string[], valueFlags: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (!valueFlags.includes(arg) || next === undefined || next === '-' || !next.startsWith('-')) {
      args.push(arg);
      continue;
    }
    if (next.startsWith('--') || /^-[a-zA-Z]/.test(next)) {
      throw new UsageError(`${arg}: expected a value, got the flag ${next}`);
    }
    args.push(`${arg}=${next}`);
    i++;
  }
  return args;
}

/** The first line of a message: stderr gets exactly one line. */
export function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end === -1 ? message : message.slice(0, end);
}
