import { CloudFrontApiError, createInvalidArgument } from './errors.ts';
import { createInvalidationId } from './ids.ts';
import { INVALIDATION_LIMITS, type InvalidationBatch, isWildcardPath } from './invalidation-batch.ts';
import type { CompletionDelay, RecordedInvalidation } from './types.ts';

interface StoredInvalidation {
  readonly id: string;
  readonly distributionId: string;
  readonly callerReference: string;
  readonly paths: readonly string[];
  readonly createTime: number;
  completedAt: number | null;
}

/** What CreateInvalidation did: a new invalidation, or the existing one for a repeated batch. */
export interface CreateInvalidationOutcome {
  readonly invalidation: RecordedInvalidation;
  readonly created: boolean;
}

/** One page of ListInvalidations, newest first. */
export interface InvalidationPage {
  readonly items: readonly RecordedInvalidation[];
  readonly isTruncated: boolean;
  readonly nextMarker: string | null;
}

/**
 * The emulator's invalidations, per distribution, with CloudFront's CallerReference and
 * in-flight rules. Completion is evaluated lazily against the clock, so nothing runs in the
 * background and a test clock fully controls it.
 */
export class InvalidationStore {
  /** Per distribution, oldest first. */
  readonly #byDistribution = new Map<string, StoredInvalidation[]>();
  #delay: CompletionDelay;

  constructor(
    private readonly now: () => number,
    delay: CompletionDelay,
  ) {
    this.#delay = delay;
  }

  /** Changes the completion delay; it applies to invalidations already in progress too. */
  setCompletionDelay(delay: CompletionDelay): void {
    this.#delay = delay;
  }

  /**
   * Creates an invalidation, or returns the existing one for the same CallerReference and paths.
   * @throws CloudFrontApiError `InvalidationBatchAlreadyExists` (409) for a reused CallerReference
   *   with other paths, `TooManyInvalidationsInProgress` (400) past the in-flight quotas.
   */
  create(distributionId: string, batch: InvalidationBatch): CreateInvalidationOutcome {
    const stored = this.#settled(distributionId);
    const previous = stored.find((invalidation) => invalidation.callerReference === batch.callerReference);
    if (previous !== undefined) {
      if (!haveSamePaths(previous.paths, batch.paths)) {
        throw new CloudFrontApiError(
          'InvalidationBatchAlreadyExists',
          409,
          `CallerReference was already used by invalidation ${previous.id} with different paths.`,
        );
      }
      return { invalidation: toRecord(previous), created: false };
    }
    assertWithinInFlightQuotas(stored, batch.paths);
    const invalidation: StoredInvalidation = {
      id: createInvalidationId(),
      distributionId,
      callerReference: batch.callerReference,
      paths: [...batch.paths],
      createTime: this.now(),
      completedAt: null,
    };
    stored.push(invalidation);
    this.#byDistribution.set(distributionId, stored);
    return { invalidation: toRecord(invalidation), created: true };
  }

  /**
   * Reads one invalidation.
   * @throws CloudFrontApiError `NoSuchInvalidation` (404).
   */
  get(distributionId: string, invalidationId: string): RecordedInvalidation {
    const found = this.#settled(distributionId).find((invalidation) => invalidation.id === invalidationId);
    if (found === undefined) {
      throw new CloudFrontApiError(
        'NoSuchInvalidation',
        404,
        `The specified invalidation does not exist: ${invalidationId}.`,
      );
    }
    return toRecord(found);
  }

  /**
   * Lists invalidations newest first, starting after the `marker` id.
   * @throws CloudFrontApiError `InvalidArgument` when the marker names no invalidation here.
   */
  list(distributionId: string, marker: string, maxItems: number): InvalidationPage {
    const newestFirst = [...this.#settled(distributionId)].reverse();
    const start = marker === '' ? 0 : newestFirst.findIndex((invalidation) => invalidation.id === marker) + 1;
    if (start === 0 && marker !== '')
      throw createInvalidArgument(`The marker does not name an invalidation: ${marker}.`);
    const page = newestFirst.slice(start, start + maxItems);
    const isTruncated = start + page.length < newestFirst.length;
    const last = page.at(-1);
    return { items: page.map(toRecord), isTruncated, nextMarker: isTruncated && last ? last.id : null };
  }

  /** Invalidations of a distribution still in progress. */
  countInProgress(distributionId: string): number {
    return this.#settled(distributionId).filter((invalidation) => invalidation.completedAt === null).length;
  }

  /** Completes every invalidation in progress (of one distribution, or all); returns how many. */
  completeAll(distributionId?: string): number {
    const now = this.now();
    let completed = 0;
    for (const invalidation of this.#all(distributionId)) {
      if (invalidation.completedAt !== null) continue;
      invalidation.completedAt = now;
      completed++;
    }
    return completed;
  }

  /** Every recorded invalidation (of one distribution, or all), oldest first. */
  snapshot(distributionId?: string): RecordedInvalidation[] {
    this.#settle(this.#all(distributionId));
    return this.#all(distributionId)
      .sort((left, right) => left.createTime - right.createTime)
      .map(toRecord);
  }

  /** Forgets every invalidation. */
  clear(): void {
    this.#byDistribution.clear();
  }

  #all(distributionId?: string): StoredInvalidation[] {
    if (distributionId !== undefined) return [...(this.#byDistribution.get(distributionId) ?? [])];
    return [...this.#byDistribution.values()].flat();
  }

  #settled(distributionId: string): StoredInvalidation[] {
    const stored = this.#byDistribution.get(distributionId) ?? [];
    this.#settle(stored);
    return stored;
  }

  #settle(invalidations: readonly StoredInvalidation[]): void {
    const delay = this.#delay;
    if (delay === 'never') return;
    const now = this.now();
    for (const invalidation of invalidations) {
      if (invalidation.completedAt === null && now >= invalidation.createTime + delay) {
        invalidation.completedAt = invalidation.createTime + delay;
      }
    }
  }
}

/** https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/InvalidationLimits.html */
function assertWithinInFlightQuotas(stored: readonly StoredInvalidation[], paths: readonly string[]): void {
  const inFlight = stored.filter((invalidation) => invalidation.completedAt === null).flatMap((entry) => entry.paths);
  const wildcardsInFlight = inFlight.filter(isWildcardPath).length;
  const wildcardsAsked = paths.filter(isWildcardPath).length;
  const exactInFlight = inFlight.length - wildcardsInFlight;
  const exactAsked = paths.length - wildcardsAsked;
  if (
    exactInFlight + exactAsked > INVALIDATION_LIMITS.maxExactPathsInProgress ||
    wildcardsInFlight + wildcardsAsked > INVALIDATION_LIMITS.maxWildcardPathsInProgress
  ) {
    throw new CloudFrontApiError(
      'TooManyInvalidationsInProgress',
      400,
      'Processing your request will cause you to exceed the maximum number of in-progress invalidations.',
    );
  }
}

function haveSamePaths(left: readonly string[], right: readonly string[]): boolean {
  if (left.length !== right.length) return false;
  const sortedLeft = [...left].sort();
  const sortedRight = [...right].sort();
  return sortedLeft.every((path, index) => path === sortedRight[index]);
}

function toRecord(invalidation: StoredInvalidation): RecordedInvalidation {
  return {
    id: invalidation.id,
    distributionId: invalidation.distributionId,
    callerReference: invalidation.callerReference,
    paths: [...invalidation.paths],
    createTime: new Date(invalidation.createTime),
    status: invalidation.completedAt === null ? 'InProgress' : 'Completed',
    completedAt: invalidation.completedAt === null ? null : new Date(invalidation.completedAt),
  };
}
