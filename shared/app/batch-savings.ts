import type { BatchBudget } from '../domain/budget.ts';
import { type Inventory, planInvalidation, savingsOf } from '../domain/planner/index.ts';
import type { Log } from './issue-unit.ts';
import type { StoredPlan } from './ports.ts';
import type { PlanFigures, SavingsCounters, SavingsDelta } from './savings-ports.ts';
import { storedPlanOf } from './stored-plan.ts';

/** What one distribution's share of a batch brings before planning. */
export interface BatchFacts {
  /** Changed keys that were new. */
  readonly newKeys: number;
  /** Their paths (free: no cover needed). */
  readonly free: readonly string[];
  /** S3 LIST requests its inventory and new-key evidence took (ListObjectsV2, ListObjectVersions pages). */
  readonly listRequests: number;
  /** S3 GET-tier requests its new-key evidence took (GetBucketVersioning); absent: none. */
  readonly getRequests?: number;
}

/** How a distribution's batch ended, for the month's counters. */
export type BatchEnd = 'issued' | 'waiting' | 'failed';

/**
 * Plans a set of paths within a budget and stores, with the plan, what the new keys and the inventory
 * saved it (counted from the plan, no second planner run: `savingsOf`).
 *
 * @param facts - the batch's new keys and listing; `undefined` for a drain of pending paths alone
 */
export function planWithFigures(
  paths: readonly string[],
  budget: BatchBudget,
  inventory: Inventory | undefined,
  facts: BatchFacts | undefined,
): StoredPlan {
  const free = facts?.free ?? [];
  const plan = planInvalidation({
    changed: paths,
    free,
    maxPaths: budget.maxPaths,
    maxWildcards: budget.maxWildcards,
    ...(inventory === undefined ? {} : { inventory }),
  });
  if (facts === undefined) return storedPlanOf(plan);
  const savings = savingsOf(plan, { free, maxPaths: budget.maxPaths, inventory: inventory !== undefined });
  const figures: PlanFigures = {
    newKeys: facts.newKeys,
    freePaths: plan.free,
    newKeyPathsAvoided: savings.newKeyPathsAvoided,
    listRequests: facts.listRequests,
    inventoryPathsSaved: savings.inventoryPathsSaved,
  };
  return { ...storedPlanOf(plan), figures };
}

/**
 * One distribution's batch as the month's savings counters see it: plans through {@link plan} (so the
 * figures of the plan that went out are known) and adds them once the batch ends. S3 requests (the
 * inventory listing and the new-key evidence) are billed however it ends; new keys count once it was handled (issued, or waiting in the pending set: their
 * paths never need one, so all of them are avoided), not when it failed (the records come back).
 */
export class BatchSavings {
  readonly #distributionId: string;
  readonly #facts: BatchFacts;
  #last: PlanFigures | undefined;

  constructor(distributionId: string, facts: BatchFacts) {
    this.#distributionId = distributionId;
    this.#facts = facts;
  }

  /** Plans like {@link planWithFigures}, keeping the figures of the latest plan. */
  plan(paths: readonly string[], budget: BatchBudget, inventory: Inventory | undefined): StoredPlan {
    const stored = planWithFigures(paths, budget, inventory, this.#facts);
    this.#last = stored.figures;
    return stored;
  }

  /**
   * Adds the batch's figures to the month's counters; a failure to write them is logged, never thrown
   * (they are for the report, and the batch's work is done).
   *
   * @param end - `issued` when the last plan went out, `waiting` when nothing was issued for it now
   */
  async record(end: BatchEnd, deps: { savings?: SavingsCounters | undefined; log: Log; now: () => number }) {
    if (deps.savings === undefined) return;
    try {
      await deps.savings.add(this.#distributionId, deps.now(), this.#deltaOf(end));
    } catch (error) {
      deps.log.warn('could not record the savings counters', {
        distributionId: this.#distributionId,
        error: (error as Error).name,
      });
    }
  }

  #deltaOf(end: BatchEnd): SavingsDelta {
    const billed = { listRequests: this.#facts.listRequests, getRequests: this.#facts.getRequests ?? 0 };
    if (end === 'failed') return billed;
    const newKeys = this.#facts.newKeys;
    const figures = end === 'issued' ? this.#last : undefined;
    if (figures === undefined) return { ...billed, newKeys, newKeyPathsAvoided: new Set(this.#facts.free).size };
    const saved = figures.inventoryPathsSaved;
    return {
      ...billed,
      newKeys,
      newKeyPathsAvoided: figures.newKeyPathsAvoided,
      ...(saved === null ? {} : { inventoryPlans: 1, inventoryPathsSaved: saved }),
    };
  }
}
