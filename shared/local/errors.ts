/** Base class for failures of the local stack (servers that could not start or stop). */
export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

/** Java is missing or too old, so DynamoDB Local cannot run. */
export class JavaMissingError extends LocalStackError {
  override name = 'JavaMissingError';
}

/** A local server did not answer within its start-up deadline. */
export class ServerStartError extends LocalStackError {
  override name = 'ServerStartError';
}
