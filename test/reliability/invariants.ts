import { parseSqsRecords } from '../../shared/domain/events.ts';
import type { RecordedInvalidation } from '../../shared/local/cloudfront-emulator/index.ts';
import { checkCap, checkCounts, checkReferences, isOurs, sumPaths } from './counting.ts';
import type { DirectOutcome } from './direct-batch.ts';
import type { LongWait } from './extra-phases.ts';
import { faultFigures } from './fault-kinds.ts';
import type { DeadLetter, LedgerRow } from './fault-stack.ts';
import { checkLongWait, checkTwoDistributions } from './new-kind-checks.ts';
import type { Freshness, Snapshot } from './observe.ts';
import type { PoisonMessage } from './poison.ts';
import type { Scenario } from './scenario.ts';

/** Everything a run leaves behind, read after the stack is idle and faults are off. */
export interface RunObservation {
  readonly scenario: Scenario;
  /** The run's month and the next one (crossing and long-wait runs reach it). */
  readonly months: readonly string[];
  readonly hardCap: number;
  readonly before: Snapshot;
  readonly after: Snapshot;
  /** Every invalidation the emulator holds (all runs). */
  readonly invalidations: readonly RecordedInvalidation[];
  /** The ledger items of the run's months, after the settle hook. */
  readonly ledger: readonly LedgerRow[];
  /** What the DLQ held, and what a direct batch could not deliver. */
  readonly deadLetters: readonly DeadLetter[];
  readonly logs: readonly { level: string; message: string; extra: Record<string, unknown> }[];
  /** Poison sent through the queue, by message id. */
  readonly poison: ReadonlyMap<string, PoisonMessage>;
  readonly direct: (DirectOutcome & { readonly junkIds: ReadonlySet<string> }) | null;
  readonly freshness: Freshness;
  /** Paths waiting in a pending set after the run, as `distributionId path`: acknowledged, not lost. */
  readonly pending: ReadonlySet<string>;
  /** The long hard-cap wait, when the run played one. */
  readonly longWait: LongWait | null;
  /** The highest account total seen while the run went on, per month. */
  readonly capMax: Readonly<Record<string, number>>;
  /** Injected faults, one entry each, as `service:kind`. */
  readonly faultsInjected: readonly string[];
  /** CreateInvalidation answers InvalidationBatchAlreadyExists during the run (a CallerReference reused with other paths). */
  readonly alreadyExists: number;
  readonly crashes: number;
  /** Child collector processes killed with SIGKILL mid-batch. */
  readonly processKills: number;
  readonly quotaFilled: boolean;
  /**
   * First looks the sweep took while a CreateInvalidation was held (the slow-create fault): the
   * reservation stays counted until the create lands or a second look a staleness later.
   */
  readonly sweptDuringSlowCreate: number;
  /**
   * Reservations the sweep released (two looks) while a create was still held: the create lands on a
   * released entry and must be counted again.
   */
  readonly releasedBeforeLanding: number;
  readonly deferred: number;
  /** Paths CloudFront refused (InvalidArgument) that bad-path isolation re-planned. */
  readonly refusedPaths: number;
  /** Notifications the bridge delivered during the run. */
  readonly notifications: number;
}

/** The figures of one run; the soak adds them up. */
export interface RunFigures {
  readonly objectsChanged: number;
  readonly messages: number;
  readonly invalidations: number;
  readonly paths: number;
  readonly pathsChecked: number;
  /** Faults by kind: CloudFront's, crashes, quota fills, deferrals, DynamoDB conflicts, big batches. */
  readonly faults: Readonly<Record<string, number>>;
  readonly staleObjects: number;
  /** Stale objects waiting for their invalidation: in a pending set, or in the DLQ with a logged reason (allowed). */
  readonly deadLetteredObjects: number;
  readonly deadLetters: number;
  /** Dead letters by the last failure logged for them (error name). */
  readonly deadLetterReasons: Readonly<Record<string, number>>;
  /** Dead letters (not poison) whose last failure is not an allowed kind: each one breaks invariant 1. */
  readonly unexpectedDeadLetters: number;
  readonly doubleCountedPaths: number;
  readonly missingPaths: number;
  readonly lostMessages: number;
  readonly capBreaches: number;
  readonly duplicateCallerReferences: number;
  /** Paths a distribution was issued twice for one message (two-distribution runs). */
  readonly billedTwice: number;
  /** Paths a long hard-cap wait held that no later invalidation covered. */
  readonly longWaitLost: number;
  readonly unresolvedReservations: number;
  /** Reservations the sweep settled: found in CloudFront (marked issued) or not (released). */
  readonly sweptIssued: number;
  readonly sweptReleased: number;
  readonly junkBlocked: number;
}

/** The figures of a run that did nothing (a run that failed before its checks). */
export function emptyFigures(): RunFigures {
  return {
    objectsChanged: 0,
    messages: 0,
    invalidations: 0,
    paths: 0,
    pathsChecked: 0,
    faults: {},
    staleObjects: 0,
    deadLetteredObjects: 0,
    deadLetters: 0,
    deadLetterReasons: {},
    unexpectedDeadLetters: 0,
    doubleCountedPaths: 0,
    missingPaths: 0,
    lostMessages: 0,
    capBreaches: 0,
    duplicateCallerReferences: 0,
    billedTwice: 0,
    longWaitLost: 0,
    unresolvedReservations: 0,
    sweptIssued: 0,
    sweptReleased: 0,
    junkBlocked: 0,
  };
}

/**
 * Checks the invariants of a run and computes its figures:
 * 1. every changed object is fresh at the edge, or waiting (pending, or in the DLQ with a logged reason);
 * 2. each month's counters (TOTAL and per distribution) equal the paths of the distinct invalidations of
 *    ours CloudFront created in the run in that month, and no reservation is left `reserved`;
 * 3. the hard monthly cap is never exceeded, in any month;
 * 4. no CallerReference was issued twice;
 * 5. junk is acknowledged and logged, never failed (it never blocks the good records of its batch);
 * 6. a message feeding two distributions is issued once on each (never billed twice for it);
 * 7. what a long hard-cap wait held is issued later (the next month), none of it lost.
 *
 * @param run - the observation
 * @returns the figures and a line per broken invariant
 */
export function checkInvariants(run: RunObservation): { figures: RunFigures; violations: string[] } {
  const violations: string[] = [];
  const ours = run.invalidations.filter(
    (invalidation) => !run.before.invalidationIds.has(invalidation.id) && isOurs(invalidation),
  );
  const freshness = checkFresh(run, violations);
  const counting = checkCounts(run, ours, violations);
  const capBreaches = checkCap(run, counting.billed, violations);
  const duplicateCallerReferences = checkReferences(run, violations);
  const junkBlocked = checkJunk(run, violations);
  const billedTwice = checkTwoDistributions(run, ours, violations);
  const longWaitLost = checkLongWait(run, ours, violations);
  const changed = new Set(run.scenario.bursts.flatMap((burst) => burst.ops.map((op) => `${op.bucket}/${op.key}`)));
  return {
    figures: {
      objectsChanged: changed.size,
      messages: run.notifications + run.scenario.duplicates.length + run.poison.size + (run.direct?.records ?? 0),
      invalidations: ours.length,
      paths: sumPaths(ours),
      pathsChecked: run.freshness.checked,
      faults: faultFigures(run),
      staleObjects: freshness.stale,
      deadLetteredObjects: freshness.deadLettered,
      deadLetters: run.deadLetters.length,
      deadLetterReasons: deadLetterReasons(run),
      unexpectedDeadLetters: checkDeadLetterKinds(run, violations),
      doubleCountedPaths: counting.double,
      missingPaths: counting.missing,
      lostMessages: freshness.lost + longWaitLost,
      capBreaches,
      duplicateCallerReferences,
      billedTwice,
      longWaitLost,
      unresolvedReservations: counting.unresolved,
      sweptIssued: run.logs.filter((line) => line.message === 'stale reservation was issued').length,
      sweptReleased: run.logs.filter((line) => line.message === 'stale reservation released').length,
      junkBlocked,
    },
    violations,
  };
}

function failedIds(run: RunObservation): Set<string> {
  return new Set(
    run.logs.filter((line) => line.message === 'record failed').map((line) => String(line.extra.messageId)),
  );
}

/**
 * Whether a viewer path of a distribution waits in a pending set: as itself, or under a wildcard there.
 * Fresh changes wait as their exact paths; what a refused request issued in part could not issue waits
 * as planned, so `/dir/it's.html` (a `'` is planned as a wildcard before it) waits as `/dir/it*`.
 */
export function isPending(pending: ReadonlySet<string>, distributionId: string, path: string): boolean {
  const entry = `${distributionId} ${path}`;
  if (pending.has(entry)) return true;
  for (const waiting of pending) {
    if (waiting.endsWith('*') && entry.startsWith(waiting.slice(0, -1))) return true;
  }
  return false;
}

/** Invariant 1: fresh, or waiting: in a pending set, or dead-lettered with a reason. */
function checkFresh(run: RunObservation, violations: string[]) {
  const failed = failedIds(run);
  const letters = parseSqsRecords(
    run.deadLetters.map((letter) => ({ messageId: letter.messageId, body: letter.body })),
  );
  const reasoned = new Set(
    letters.changes.filter((change) => failed.has(change.messageId)).map((change) => `${change.bucket}/${change.key}`),
  );
  const unreasoned = run.deadLetters.filter(
    (letter) => !failed.has(letter.messageId) && !run.poison.has(letter.messageId),
  );
  for (const letter of unreasoned) violations.push(`dead letter ${letter.messageId} has no logged failure`);
  let deadLettered = 0;
  const lostKeys = new Set<string>();
  for (const entry of run.freshness.stale) {
    const id = `${entry.bucket}/${entry.key}`;
    if (reasoned.has(id) || isPending(run.pending, entry.distributionId, entry.path)) {
      deadLettered++;
      continue;
    }
    lostKeys.add(id);
    violations.push(`stale at the edge of ${entry.distributionId}: ${entry.path} (s3://${id}), no dead letter`);
  }
  return { stale: run.freshness.stale.length - deadLettered, deadLettered, lost: lostKeys.size };
}

/** Invariant 5: junk is logged with its message id and acknowledged, never failed. */
function checkJunk(run: RunObservation, violations: string[]): number {
  const failed = failedIds(run);
  const logged = new Set(run.logs.map((line) => line.extra.messageId).filter((id) => typeof id === 'string'));
  let blocked = 0;
  for (const [messageId, message] of run.poison) {
    if (message.expect !== 'acknowledged') continue;
    if (failed.has(messageId)) {
      blocked++;
      violations.push(`junk message ${messageId} (${message.kind}) was failed instead of acknowledged`);
    }
    if (message.kind !== 'test-event' && !logged.has(messageId)) {
      violations.push(`junk message ${messageId} (${message.kind}) was not logged with its message id`);
    }
  }
  for (const messageId of run.direct?.junkIds ?? []) {
    if (!run.direct?.everFailed.has(messageId)) continue;
    blocked++;
    violations.push(`junk record ${messageId} of the direct batch was failed instead of acknowledged`);
  }
  return blocked;
}

/**
 * Last failures a dead letter may have: the hard cap deferred its work (the month is spent; it waits for
 * a person or the next month). Any other last failure (a CloudFront or DynamoDB error that outlived
 * every retry, a crash) means the service gave up on work it should have finished.
 */
const ALLOWED_DEAD_LETTER_ERRORS: ReadonlySet<string> = new Set(['DeferredError']);

/** Invariant 1, second half: every dead letter that is not poison died of an allowed kind. */
function checkDeadLetterKinds(run: RunObservation, violations: string[]): number {
  const last = lastFailures(run);
  let unexpected = 0;
  for (const letter of run.deadLetters) {
    if (run.poison.has(letter.messageId)) continue;
    const reason = last.get(letter.messageId) ?? 'none logged';
    if (ALLOWED_DEAD_LETTER_ERRORS.has(reason)) continue;
    unexpected++;
    violations.push(
      `dead letter ${letter.messageId}: last failure ${reason}, expected one of ${[...ALLOWED_DEAD_LETTER_ERRORS].join(', ')}`,
    );
  }
  return unexpected;
}

function lastFailures(run: RunObservation): Map<string, string> {
  const last = new Map<string, string>();
  for (const line of run.logs) {
    if (line.message === 'record failed') last.set(String(line.extra.messageId), String(line.extra.error));
  }
  return last;
}

function deadLetterReasons(run: RunObservation): Record<string, number> {
  const last = lastFailures(run);
  const reasons: Record<string, number> = {};
  for (const letter of run.deadLetters) {
    const reason = last.get(letter.messageId) ?? 'none logged';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return reasons;
}
