import type { ParsedDistributionConfig } from './distribution-config.ts';
import { resolveDistribution } from './distributions.ts';
import { CloudFrontApiError, createInvalidArgument, EmulatorConfigError } from './errors.ts';
import { createDistributionId } from './ids.ts';
import type { CompletionDelay, DistributionStatus, EmulatedDistribution } from './types.ts';

interface StoredDistribution {
  distribution: EmulatedDistribution;
  /** When the last Create/UpdateDistribution was accepted; null for the configured ones (Deployed). */
  changedAt: number | null;
}

/** A distribution with its current deployment status. */
export interface DistributionView {
  readonly distribution: EmulatedDistribution;
  readonly status: DistributionStatus;
}

/**
 * The emulator's distributions and their deployment status. A Create or UpdateDistribution makes the
 * distribution `InProgress`; it reads `Deployed` once the deployment delay has passed since that
 * change (evaluated lazily against the clock, like invalidations). CloudFront accepts an update while
 * the previous one is still deploying; the delay then counts from the latest change.
 */
export class DistributionStore {
  readonly #items: StoredDistribution[];
  #delay: CompletionDelay;

  constructor(
    initial: readonly EmulatedDistribution[],
    private readonly accountId: string,
    private readonly now: () => number,
    delay: CompletionDelay,
  ) {
    this.#items = initial.map((distribution) => ({ distribution, changedAt: null }));
    this.#delay = delay;
  }

  /** Changes the deployment delay, for deployments already in progress too. */
  setDeployDelay(delay: CompletionDelay): void {
    this.#delay = delay;
  }

  /** Every distribution, in ListDistributions order. */
  list(): DistributionView[] {
    return this.#items.map((item) => this.#view(item));
  }

  /**
   * One distribution.
   * @throws CloudFrontApiError `NoSuchDistribution` (404)
   */
  get(id: string): DistributionView {
    return this.#view(this.#find(id));
  }

  /**
   * CreateDistribution: a new distribution, `InProgress`.
   * @throws CloudFrontApiError `DistributionAlreadyExists` (409) for a CallerReference in use, `InvalidArgument`
   */
  create(config: ParsedDistributionConfig): DistributionView {
    const taken = this.#items.find((item) => item.distribution.callerReference === config.callerReference);
    if (taken !== undefined) {
      throw new CloudFrontApiError(
        'DistributionAlreadyExists',
        409,
        `The caller reference that you are using to create a distribution is associated with another distribution: ${taken.distribution.id}.`,
      );
    }
    const item = { distribution: this.#resolve(createDistributionId(), config), changedAt: this.now() };
    this.#items.push(item);
    return this.#view(item);
  }

  /**
   * UpdateDistribution: replaces the configuration when `ifMatch` is the current ETag; a new ETag,
   * `InProgress` until the delay passes.
   * @throws CloudFrontApiError `NoSuchDistribution`, `InvalidIfMatchVersion` (no If-Match),
   *   `PreconditionFailed` (stale ETag), `IllegalUpdate` (CallerReference changed), `InvalidArgument`
   */
  update(id: string, ifMatch: string | undefined, config: ParsedDistributionConfig): DistributionView {
    const item = this.#find(id);
    if (ifMatch === undefined || ifMatch === '') {
      throw new CloudFrontApiError('InvalidIfMatchVersion', 400, 'The If-Match version is missing or not valid.');
    }
    if (ifMatch !== item.distribution.etag) {
      throw new CloudFrontApiError(
        'PreconditionFailed',
        412,
        `The precondition in one or more of the request fields evaluated to false: expected If-Match ${item.distribution.etag}, got ${ifMatch}.`,
      );
    }
    if (config.callerReference !== item.distribution.callerReference) {
      throw new CloudFrontApiError('IllegalUpdate', 400, 'The CallerReference of a distribution cannot be changed.');
    }
    const next = this.#resolve(id, config);
    item.distribution = { ...next, domainName: item.distribution.domainName };
    item.changedAt = this.now();
    return this.#view(item);
  }

  /** Ends every deployment in progress now; returns how many. */
  deployAll(): number {
    let deployed = 0;
    for (const item of this.#items) {
      if (this.#view(item).status === 'Deployed') continue;
      item.changedAt = null;
      deployed++;
    }
    return deployed;
  }

  #resolve(id: string, config: ParsedDistributionConfig): EmulatedDistribution {
    try {
      return resolveDistribution(id, config, this.accountId, this.now(), config.callerReference);
    } catch (error) {
      if (error instanceof EmulatorConfigError) throw createInvalidArgument(error.message);
      throw error;
    }
  }

  #find(id: string): StoredDistribution {
    const item = this.#items.find((candidate) => candidate.distribution.id === id);
    if (item === undefined) {
      throw new CloudFrontApiError('NoSuchDistribution', 404, `The specified distribution does not exist: ${id}.`);
    }
    return item;
  }

  #view(item: StoredDistribution): DistributionView {
    const delay = this.#delay;
    const deploying = item.changedAt !== null && (delay === 'never' || this.now() < item.changedAt + delay);
    return { distribution: item.distribution, status: deploying ? 'InProgress' : 'Deployed' };
  }
}
