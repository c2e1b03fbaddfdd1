import { randomUUID } from 'node:crypto';
import { type BatchBudget, computeBatchBudget } from '../domain/budget.ts';
import { dayOfMonth, monthBoundsOf, monthKeyOf } from '../domain/month.ts';
import { checkAfterCreate, recordAfterCreate } from './after-create.ts';
import { DeferredError, UnitBusyError } from './errors.ts';
import {
  type InvalidationFinder,
  type InvalidationGateway,
  LEDGER_STATUS,
  type Ledger,
  type LedgerEntry,
  type LedgerSource,
  type StoredPlan,
} from './ports.ts';
import { backToCreateMonth, DEFAULT_LEASE_MS, heldFromEarlierMonth, moveIntoMonth, recordHeld } from './unit-month.ts';

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
  /**
   * How long this invocation's lease on a unit protects it from other invocations: its own function
   * timeout (it cannot run longer); default 900 s, Lambda's longest.
   */
  readonly leaseMs?: number;
  /**
   * Looks a CallerReference up in CloudFront: a unit reserved in an earlier month is looked up before it
   * leaves that month (an earlier attempt may have created it there). Without it, the move is corrected
   * afterwards from CloudFront's answer ({@link backToCreateMonth}).
   */
  readonly finder?: InvalidationFinder;
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
 * Reserves and issues one unit of work, idempotently and exactly once: a unit already in the ledger
 * reuses its stored plan and CallerReference (so a retry gets CloudFront's existing invalidation back
 * and counts nothing twice); a new unit is budgeted, planned, reserved (race-free against the hard cap)
 * and issued. Only the holder of the unit's lease issues or releases it: the same messages delivered to
 * two invocations at once are issued by one, and the other retries later (UnitBusyError). A unit
 * reserved in an earlier month is moved into this month (cap checked here) before it is issued.
 *
 * @returns the ledger entry, with `invalidationId` once issued
 * @throws DeferredError when the budget says not now; UnitBusyError while another invocation issues it;
 *   CloudFrontError / LedgerError otherwise
 */
export async function invalidateUnit(request: UnitRequest, deps: UnitDeps): Promise<LedgerEntry> {
  const owner = randomUUID();
  const existing = await deps.ledger.findUnit(request.unitKey);
  if (existing !== undefined) {
    deps.metrics.count('ReplayedUnits', 1);
    return resumeUnit(existing, request, owner, deps);
  }
  const reserved = await reserveUnit(request, owner, deps);
  // `exists`: another invocation reserved the same messages first; it holds the lease.
  return reserved.fresh ? issueUnit(reserved.entry, owner, deps) : resumeUnit(reserved.entry, request, owner, deps);
}

/** A unit found in the ledger: done, or still reserved (issue it once its lease is ours). */
async function resumeUnit(
  entry: LedgerEntry,
  request: UnitRequest,
  owner: string,
  deps: UnitDeps,
): Promise<LedgerEntry> {
  if (entry.status !== LEDGER_STATUS.reserved) return entry; // issued before: CloudFront has it
  const at = deps.now();
  // The claim takes the lease, so neither the sweeper nor a concurrent duplicate touches it meanwhile.
  if (await deps.ledger.claim(entry, { owner, at, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS })) {
    const held = await heldFromEarlierMonth(entry, at, deps);
    if (held !== undefined) return recordHeld(entry, held, deps);
    return issueUnit(await moveIntoMonth(entry, owner, at, deps), owner, deps);
  }
  const settled = await deps.ledger.findUnit(request.unitKey);
  if (settled !== undefined && settled.status !== LEDGER_STATUS.reserved) return settled;
  if (settled === undefined) {
    // Released meanwhile (CloudFront refused it): plan it afresh.
    const reserved = await reserveUnit(request, owner, deps);
    if (reserved.fresh) return issueUnit(reserved.entry, owner, deps);
  }
  throw new UnitBusyError(
    `unit ${request.unitKey} of ${request.distributionId}: expected no holder, got another invocation`,
    {
      retryable: true,
    },
  );
}

async function reserveUnit(
  request: UnitRequest,
  owner: string,
  deps: UnitDeps,
): Promise<{ readonly entry: LedgerEntry; readonly fresh: boolean }> {
  const { policy } = deps;
  // The sweep's release of this unit is refused by the reservation itself (one transaction, no read);
  // only last month's item, on the 1st, is outside its way and needs a read.
  let swept = await sweptLastMonth(request.unitKey, deps.now(), deps.ledger);
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
      plan: swept ?? request.plan(budget),
      messageCount: request.messageCount,
      changedObjects: request.changedObjects,
      source: request.source,
      reservedAt: now,
      ...(request.firstEventAt === undefined ? {} : { firstEventAt: request.firstEventAt }),
    };
    await deps.checkpoint?.('before-reserve', request.unitKey);
    const cap = policy.hardMonthlyCap === undefined ? {} : { hardCap: policy.hardMonthlyCap };
    const outcome = await deps.ledger.reserve(entry, {
      ...cap,
      owner,
      leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
      ...(swept === undefined ? {} : { sweptPlan: true }),
    });
    if (outcome.kind === 'exists') return { entry: outcome.entry, fresh: false };
    if (outcome.kind === 'swept') {
      // The sweep released this unit this month: again at once with its plan, which the ledger accepts
      // (a free attempt once only, so a ledger that kept answering `swept` could not loop for ever).
      if (swept === undefined) attempt--;
      swept = outcome.plan;
      continue;
    }
    if (outcome.kind === 'reserved') {
      deps.log.info(swept === undefined ? 'paths reserved' : 'paths reserved again with the plan the sweep released', {
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
      return { entry, fresh: true };
    }
    // cap-exceeded: another invocation took the last paths first. Re-plan against the fresh count.
  }
  throw new DeferredError(`distribution ${request.distributionId} deferred: hard monthly cap reached while reserving`, {
    retryable: true,
  });
}

/**
 * The plan of this unit if the sweep released it last month, read on the 1st only: its CallerReference
 * may still reach CloudFront late with those paths, so the unit goes out again with the same paths (the
 * budget's size for it is not applied; the hard cap still is), never with others under the same
 * CallerReference. A release in this month is caught by the reservation's own condition (`swept`).
 */
async function sweptLastMonth(unitKey: string, at: number, ledger: Ledger): Promise<StoredPlan | undefined> {
  if (dayOfMonth(at) !== 1) return undefined;
  return ledger.sweptPlan(unitKey, monthKeyOf(monthBoundsOf(at).startMs - 1));
}

async function issueUnit(entry: LedgerEntry, owner: string, deps: UnitDeps): Promise<LedgerEntry> {
  let invalidationId: string;
  let createTime: number | undefined;
  try {
    ({ invalidationId, createTime } = await deps.gateway.createInvalidation(
      entry.distributionId,
      entry.callerReference,
      entry.plan.paths,
    ));
  } catch (error) {
    // CloudFront answered with an error: this request created nothing, so the paths go back to the budget,
    // unless an earlier attempt ended in doubt. Otherwise the lease goes, so a retry may issue it at once.
    const definite = (error as { definite?: boolean }).definite === true;
    if (!definite || !(await deps.ledger.release(entry, { owner })))
      await deps.ledger.dropLease(entry, owner, deps.now());
    throw error;
  }
  await deps.checkpoint?.('after-create', entry.unitKey);
  const issuedAt = deps.now();
  const counted = await recordIssued(entry, { invalidationId, createTime, issuedAt }, owner, deps);
  await deps.checkpoint?.('after-mark', entry.unitKey);
  deps.metrics.count('Invalidations', 1);
  deps.metrics.count('PathsIssued', entry.plan.paths.length);
  deps.metrics.count('PathsSaved', Math.max(0, entry.plan.changed - entry.plan.paths.length));
  deps.log.info('invalidation issued', {
    distributionId: entry.distributionId,
    unitKey: entry.unitKey,
    invalidationId,
  });
  await checkAfterCreate(counted, invalidationId, deps);
  return { ...counted, status: LEDGER_STATUS.issued, invalidationId, issuedAt };
}

/**
 * Records a unit CloudFront has created, in the month CloudFront created it ({@link backToCreateMonth});
 * a failure is logged, never thrown ({@link recordAfterCreate}).
 */
async function recordIssued(
  entry: LedgerEntry,
  created: { readonly invalidationId: string; readonly createTime: number | undefined; readonly issuedAt: number },
  owner: string,
  deps: UnitDeps,
): Promise<LedgerEntry> {
  let counted = entry;
  await recordAfterCreate(entry, created.invalidationId, deps, async () => {
    counted = await backToCreateMonth(entry, created.createTime, owner, deps);
    await deps.ledger.markIssued(counted, created.invalidationId, created.issuedAt);
  });
  return counted;
}
