/** Base class for use-case failures; `retryable` decides whether the records come back. */
export class CollectorError extends Error {
  override name = 'CollectorError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** The budget says not now (hard monthly cap reached, or the in-flight quota is full). */
export class DeferredError extends CollectorError {
  override name = 'DeferredError';
}

/** A test-only crash injected between two steps of the collector (see `CollectorDeps.checkpoint`). */
export class InjectedCrashError extends CollectorError {
  override name = 'InjectedCrashError';
}

/** Another invocation holds the unit's lease (the same messages delivered twice at once): retry later. */
export class UnitBusyError extends CollectorError {
  override name = 'UnitBusyError';
}

/** CloudFront refused even the widest wildcard a refused path could be cut to (`/*`): permanent. */
export class RefusedPathError extends CollectorError {
  override name = 'RefusedPathError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/**
 * Bad-path isolation issued some parts of a refused request, then another part failed: CloudFront holds
 * the issued parts, so only `remainingPaths` (as planned: exact paths and wildcards) are left to issue.
 * Sending the whole request back would invalidate, and bill, the issued parts a second time.
 */
export class PartlyIssuedError extends CollectorError {
  override name = 'PartlyIssuedError';
  /** How many parts CloudFront holds. */
  readonly issuedParts: number;
  readonly remainingPaths: readonly string[];
  /** The changed objects the remaining parts stand for (each part's share of the request's). */
  readonly remainingObjects: number;
  /** False when a part not issued may exist after all (its answer was lost, or another invocation holds it). */
  readonly definite: boolean;

  constructor(
    message: string,
    options: {
      issuedParts: number;
      remainingPaths: readonly string[];
      remainingObjects: number;
      definite: boolean;
      retryable: boolean;
      cause: unknown;
    },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.issuedParts = options.issuedParts;
    this.remainingPaths = options.remainingPaths;
    this.remainingObjects = options.remainingObjects;
    this.definite = options.definite;
  }
}

/**
 * Whether a failed unit may exist in CloudFront anyway: its answer was lost (`definite: false`, also a
 * {@link PartlyIssuedError} with a part in doubt), or another invocation holds it ({@link UnitBusyError}).
 */
export function isInDoubt(error: unknown): boolean {
  return (error as { definite?: unknown } | null | undefined)?.definite === false || error instanceof UnitBusyError;
}
