/** Configuration is missing or invalid; the message names the variable and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly retryable = false;
}
