import { type BatchBudget, computeBatchBudget } from '../domain/budget.ts';
import { dayOfMonth, monthKeyOf } from '../domain/month.ts';
import { DeferredError } from './errors.ts';
import {
  type InvalidationGateway,
  LEDGER_STATUS,
  type Ledger,
  type LedgerEntry,
  type LedgerSource,
  type StoredPlan,
} from './ports.ts';

/** Steps between which a crash can be injected (tests and the fault suite only). */
export type UnitStep = 'before-reserve' | 'after-reserve' | 'after-create' | 'after-mark';

/** The stage's budget policy (DESIGN 3.3). */
export interface BudgetPolicy {
  readonly monthlyPathBudget: number;
  readonly maxPathsPerInvalidation: number;
  readonly hardMonthlyCap: number | undefined;
  readonly wildcardSafetyMargin: number;
}

/** Structured logging as Powertools' Logger offers it. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type UnitMetric = 'PathsIssued' | 'PathsSaved' | 'Invalidations' | 'BudgetLeft' | 'ReplayedUnits';

/** What reserving and issuing one unit of work needs. */
export interface UnitDeps {
  readonly ledger: Ledger;
  readonly gateway: InvalidationGateway;
  readonly policy: BudgetPolicy;
  readonly log: Log;
  readonly metrics: { count(name: UnitMetric, value: number): void };
  readonly now: () => number;
  /** Called after an invalidation is issued (the watcher schedules its check here). */
  readonly afterIssue?: (entry: LedgerEntry, invalidationId: string) => Promise<void>;
  /** Test hook: may throw to simulate the process dying between two steps. */
  readonly checkpoint?: (step: UnitStep, unitKey: string) => void | Promise<void>;
}

/** One unit of work: a distribution, an idempotency key and how to plan its paths for a budget. */
export interface UnitRequest {
  readonly distributionId: string;
  readonly unitKey: string;
  readonly callerReference: string;
  readonly source: LedgerSource;
  readonly messageCount: number;
  readonly changedObjects: number;
  readonly firstEventAt?: number;
  /** Plans within the budget; may throw PlanBudgetError (retryable) when it cannot. */
  plan(budget: BatchBudget): StoredPlan;
}

const RESERVE_ATTEMPTS = 3;

/**
 * Reserves and issues one unit of work, idempotently: a unit already in the ledger reuses its stored
 * plan and CallerReference (so a retry gets CloudFront's existing invalidation back and counts nothing
 * twice); a new unit is budgeted, planned, reserved (race-free against the hard cap) and issued.
 *
 * @returns the ledger entry, with `invalidationId` once issued
 * @throws DeferredError when the budget says not now; CloudFrontError / LedgerError otherwise
 */
export async function invalidateUnit(request: UnitRequest, deps: UnitDeps): Promise<LedgerEntry> {
  const existing = await deps.ledger.findUnit(request.unitKey);
  if (existing !== undefined) {
    deps.metrics.count('ReplayedUnits', 1);
    if (existing.status !== LEDGER_STATUS.reserved) return existing; // issued before: CloudFront has it
    // The claim renews the lease, so the sweeper cannot release the entry while this retry issues it.
    if (await deps.ledger.claim(existing, deps.now())) return issueUnit(existing, deps);
    // The sweeper settled it meanwhile: issued (CloudFront has it), or released (plan it afresh).
    const settled = await deps.ledger.findUnit(request.unitKey);
    if (settled !== undefined && settled.status !== LEDGER_STATUS.reserved) return settled;
  }
  const entry = await reserveUnit(request, deps);
  if (entry.status !== LEDGER_STATUS.reserved) return entry;
  return issueUnit(entry, deps);
}

async function reserveUnit(request: UnitRequest, deps: UnitDeps): Promise<LedgerEntry> {
  const { policy } = deps;
  for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
    const now = deps.now();
    const month = monthKeyOf(now);
    const [usage, inFlight] = await Promise.all([
      deps.ledger.usage(month),
      deps.gateway.inFlight(request.distributionId),
    ]);
    const budget = computeBatchBudget({
      monthlyPathBudget: policy.monthlyPathBudget,
      pathsUsedThisMonth: usage.paths,
      batchesThisMonth: usage.invalidations,
      nowMs: now,
      maxPathsPerInvalidation: policy.maxPathsPerInvalidation,
      hardMonthlyCap: policy.hardMonthlyCap,
      exactInFlight: inFlight.exactPaths,
      wildcardsInFlight: inFlight.wildcardPaths,
      wildcardSafetyMargin: policy.wildcardSafetyMargin,
    });
    if (budget.defer) {
      throw new DeferredError(`distribution ${request.distributionId} deferred: ${budget.reason}`, { retryable: true });
    }
    const entry: LedgerEntry = {
      unitKey: request.unitKey,
      month,
      day: dayOfMonth(now),
      distributionId: request.distributionId,
      callerReference: request.callerReference,
      status: LEDGER_STATUS.reserved,
      plan: request.plan(budget),
      messageCount: request.messageCount,
      changedObjects: request.changedObjects,
      source: request.source,
      reservedAt: now,
      ...(request.firstEventAt === undefined ? {} : { firstEventAt: request.firstEventAt }),
    };
    await deps.checkpoint?.('before-reserve', request.unitKey);
    const cap = policy.hardMonthlyCap === undefined ? {} : { hardCap: policy.hardMonthlyCap };
    const outcome = await deps.ledger.reserve(entry, cap);
    if (outcome.kind === 'exists') return outcome.entry;
    if (outcome.kind === 'reserved') {
      deps.log.info('paths reserved', {
        distributionId: entry.distributionId,
        unitKey: entry.unitKey,
        paths: entry.plan.paths.length,
        wildcards: entry.plan.wildcardPaths,
        changed: entry.plan.changed,
        collateral: entry.plan.collateral,
        budget: budget.maxPaths,
        budgetReason: budget.reason,
      });
      deps.metrics.count('BudgetLeft', Math.max(0, policy.monthlyPathBudget - usage.paths - entry.plan.paths.length));
      await deps.checkpoint?.('after-reserve', entry.unitKey);
      return entry;
    }
    // cap-exceeded: another invocation took the last paths first. Re-plan against the fresh count.
  }
  throw new DeferredError(`distribution ${request.distributionId} deferred: hard monthly cap reached while reserving`, {
    retryable: true,
  });
}

async function issueUnit(entry: LedgerEntry, deps: UnitDeps): Promise<LedgerEntry> {
  let invalidationId: string;
  try {
    ({ invalidationId } = await deps.gateway.createInvalidation(
      entry.distributionId,
      entry.callerReference,
      entry.plan.paths,
    ));
  } catch (error) {
    // CloudFront answered with an error: nothing was created, so the paths go back to the budget.
    if ((error as { definite?: boolean }).definite === true) await deps.ledger.release(entry);
    throw error;
  }
  await deps.checkpoint?.('after-create', entry.unitKey);
  const issuedAt = deps.now();
  await deps.ledger.markIssued(entry, invalidationId, issuedAt);
  await deps.checkpoint?.('after-mark', entry.unitKey);
  deps.metrics.count('Invalidations', 1);
  deps.metrics.count('PathsIssued', entry.plan.paths.length);
  deps.metrics.count('PathsSaved', Math.max(0, entry.plan.changed - entry.plan.paths.length));
  deps.log.info('invalidation issued', {
    distributionId: entry.distributionId,
    unitKey: entry.unitKey,
    invalidationId,
  });
  await deps.afterIssue?.(entry, invalidationId);
  return { ...entry, status: LEDGER_STATUS.issued, invalidationId, issuedAt };
}
