/**
 * Bad usage or bad input to a CLI command (exit code 2). The message is the one line printed on
 * stderr, so it names the flag or file and says what was expected.
 */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
