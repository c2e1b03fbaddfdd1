/**
 * Errors of the pure domain. `retryable` tells the handler what to do with the records behind the
 * failure: retry them later (true) or log and acknowledge them (false). Messages name what failed
 * and say "expected X, got Y"; they never carry message bodies or other payloads.
 */

/** Base class of every domain failure. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** The route configuration is invalid; the message names the field (e.g. `routes[2].distributionId`). */
export class RouteConfigError extends DomainError {
  override name = 'RouteConfigError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** A month key is not `YYYY-MM`. */
export class MonthKeyError extends DomainError {
  override name = 'MonthKeyError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** A count given to the budget or pricing rules is negative, fractional or not a number. */
export class InvalidCountError extends DomainError {
  override name = 'InvalidCountError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

const MAX_SHOWN_CHARS = 60;

/**
 * Renders a configuration value for the "got Y" part of a message: strings quoted and cut to 60
 * characters, containers by kind only, so a message never echoes a payload.
 *
 * @param value - the offending value
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
    return JSON.stringify(shown);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * No invalidation plan fits the budget: more changed paths than `maxPaths` with no wildcard allowed,
 * or a path that only a wildcard can cover (it holds `*` or is too long) while `maxWildcards` is 0.
 * Retryable: the budget frees up as in-flight wildcards complete or a new month starts.
 */
export class PlanBudgetError extends DomainError {
  override name = 'PlanBudgetError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, cause: options.cause });
  }
}

/** The planner got input outside its contract (a path without a leading `/`, a budget that is not a number). */
export class PlanInputError extends DomainError {
  override name = 'PlanInputError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}
