import { parseSqsRecords } from '../../shared/domain/events.ts';
import type { RecordedInvalidation } from '../../shared/local/cloudfront-emulator/index.ts';
import type { DirectOutcome } from './direct-batch.ts';
import type { Counters, DeadLetter, LedgerRow } from './fault-stack.ts';
import type { Freshness, Snapshot } from './observe.ts';
import type { PoisonMessage } from './poison.ts';
import type { Scenario } from './scenario.ts';

/** Everything a run leaves behind, read after the stack is idle and faults are off. */
export interface RunObservation {
  readonly scenario: Scenario;
  readonly month: string;
  readonly hardCap: number;
  readonly before: Snapshot;
  readonly after: Snapshot;
  /** Every invalidation the emulator holds (all runs). */
  readonly invalidations: readonly RecordedInvalidation[];
  /** The ledger items of the run's month, after the settle hook. */
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
  /** The highest account total seen while the run went on. */
  readonly capMax: number;
  /** Injected faults, one entry each, as `service:kind`. */
  readonly faultsInjected: readonly string[];
  /** CreateInvalidation answers InvalidationBatchAlreadyExists during the run (a CallerReference reused with other paths). */
  readonly alreadyExists: number;
  readonly crashes: number;
  readonly quotaFilled: boolean;
  readonly deferred: number;
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
  readonly unresolvedReservations: number;
  /** Reservations the sweep settled: found in CloudFront (marked issued) or not (released). */
  readonly sweptIssued: number;
  readonly sweptReleased: number;
  readonly junkBlocked: number;
}

const OUR_REFERENCE = 'inv-';

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
    unresolvedReservations: 0,
    sweptIssued: 0,
    sweptReleased: 0,
    junkBlocked: 0,
  };
}

/**
 * Checks the five invariants of a run and computes its figures:
 * 1. every changed object is fresh at the edge, or its message is in the DLQ with a logged reason;
 * 2. the month counters (TOTAL and per distribution) equal the paths of the distinct invalidations of
 *    ours CloudFront created in the run, and no reservation is left `reserved`;
 * 3. the hard monthly cap is never exceeded;
 * 4. no CallerReference was issued twice;
 * 5. junk is acknowledged and logged, never failed (it never blocks the good records of its batch).
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
  const capBreaches = checkCap(run, ours, violations);
  const duplicateCallerReferences = checkReferences(run, violations);
  const junkBlocked = checkJunk(run, violations);
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
      lostMessages: freshness.lost,
      capBreaches,
      duplicateCallerReferences,
      unresolvedReservations: counting.unresolved,
      sweptIssued: run.logs.filter((line) => line.message === 'stale reservation was issued').length,
      sweptReleased: run.logs.filter((line) => line.message === 'stale reservation released').length,
      junkBlocked,
    },
    violations,
  };
}

function isOurs(invalidation: RecordedInvalidation): boolean {
  return invalidation.callerReference.startsWith(OUR_REFERENCE);
}

function sumPaths(invalidations: readonly RecordedInvalidation[]): number {
  return invalidations.reduce((sum, invalidation) => sum + invalidation.paths.length, 0);
}

function failedIds(run: RunObservation): Set<string> {
  return new Set(
    run.logs.filter((line) => line.message === 'record failed').map((line) => String(line.extra.messageId)),
  );
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
    if (reasoned.has(id) || run.pending.has(`${entry.distributionId} ${entry.path}`)) {
      deadLettered++;
      continue;
    }
    lostKeys.add(id);
    violations.push(`stale at the edge of ${entry.distributionId}: ${entry.path} (s3://${id}), no dead letter`);
  }
  return { stale: run.freshness.stale.length - deadLettered, deadLettered, lost: lostKeys.size };
}

/** Invariant 2: counters equal CloudFront's distinct invalidations; nothing left reserved. */
function checkCounts(run: RunObservation, ours: readonly RecordedInvalidation[], violations: string[]) {
  const delta = (after: Counters, before: Counters) => after.paths - before.paths;
  const issued = sumPaths(ours);
  const counted = delta(run.after.total, run.before.total);
  const double = Math.max(0, counted - issued);
  const missing = Math.max(0, issued - counted);
  if (counted !== issued) {
    violations.push(
      `TOTAL counts ${counted} paths this run, CloudFront issued ${issued} (${ours.length} invalidations)`,
    );
  }
  const countedInvalidations = run.after.total.invalidations - run.before.total.invalidations;
  if (countedInvalidations !== ours.length) {
    violations.push(`TOTAL counts ${countedInvalidations} invalidations, CloudFront holds ${ours.length} of ours`);
  }
  for (const [id, after] of Object.entries(run.after.distributions)) {
    const before = run.before.distributions[id] as Counters;
    const paths = sumPaths(ours.filter((invalidation) => invalidation.distributionId === id));
    if (delta(after, before) !== paths) {
      violations.push(`DIST#${id} counts ${delta(after, before)} paths, CloudFront issued ${paths}`);
    }
  }
  const byReference = new Map(run.ledger.map((row) => [`${row.distributionId}/${row.callerReference}`, row]));
  for (const invalidation of ours) {
    const row = byReference.get(`${invalidation.distributionId}/${invalidation.callerReference}`);
    if (row === undefined || row.status === 'released' || row.status === 'reserved') {
      violations.push(
        `invalidation ${invalidation.id} (${invalidation.callerReference}) is ${row?.status ?? 'missing'} in the ledger`,
      );
    } else if (row.invalidationId !== invalidation.id) {
      violations.push(`ledger unit ${row.unitKey} names ${row.invalidationId}, CloudFront made ${invalidation.id}`);
    }
  }
  const unresolved = run.ledger.filter((row) => row.status === 'reserved');
  for (const row of unresolved) {
    violations.push(`unit ${row.unitKey} on ${row.distributionId} is still reserved (${row.pathCount} paths)`);
  }
  return { double, missing, unresolved: unresolved.length };
}

/** Invariant 3: the hard cap, on the counter as sampled and on what CloudFront really issued. */
function checkCap(run: RunObservation, ours: readonly RecordedInvalidation[], violations: string[]): number {
  let breaches = 0;
  if (run.capMax > run.hardCap) {
    breaches++;
    violations.push(`the month counter reached ${run.capMax} paths, over the hard cap ${run.hardCap}`);
  }
  const spent = run.before.total.paths + sumPaths(ours);
  if (spent > run.hardCap) {
    breaches++;
    violations.push(`CloudFront issued ${spent} paths this month, over the hard cap ${run.hardCap}`);
  }
  return breaches;
}

/** Invariant 4: one invalidation per CallerReference and distribution, over every run so far. */
function checkReferences(run: RunObservation, violations: string[]): number {
  const seen = new Map<string, number>();
  for (const invalidation of run.invalidations) {
    const key = `${invalidation.distributionId}/${invalidation.callerReference}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const [key, count] of seen) {
    if (count < 2) continue;
    duplicates++;
    violations.push(`CallerReference ${key} was issued ${count} times`);
  }
  // CloudFront refuses a CallerReference sent again with another batch: that answer means the service
  // reused one for different paths, which the count of created invalidations alone cannot show.
  if (run.alreadyExists > 0) {
    violations.push(`CloudFront answered InvalidationBatchAlreadyExists ${run.alreadyExists} times, expected never`);
  }
  return duplicates + run.alreadyExists;
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

function faultFigures(run: RunObservation): Record<string, number> {
  const figures: Record<string, number> = {};
  const add = (kind: string, count = 1) => {
    if (count > 0) figures[kind] = (figures[kind] ?? 0) + count;
  };
  for (const kind of run.faultsInjected) add(kind);
  add('collector crash', run.crashes);
  add('quota filled from outside', run.quotaFilled ? 1 : 0);
  add('deferred records', run.deferred);
  add('cap near at start', run.scenario.baseline.paths >= run.hardCap - 12 ? 1 : 0);
  add('duplicate notifications', run.scenario.duplicates.length);
  add('poison messages', run.poison.size + (run.direct?.junkIds.size ?? 0));
  add('direct batches', run.direct === null ? 0 : 1);
  add('same ids to two invocations at once', run.scenario.direct?.duplicateDelivery === true ? 1 : 0);
  add('10,000-record batches', (run.direct?.records ?? 0) >= 10_000 ? 1 : 0);
  for (const line of run.logs) {
    const reason = String(line.extra.reason ?? '');
    if (line.message !== 'distribution failed') continue;
    if (reason.includes('TooManyInvalidationsInProgress')) add('cloudfront:TooManyInvalidations answered');
    if (reason.includes('hard-cap-reached') || reason.includes('hard monthly cap')) add('hard cap deferrals');
  }
  return figures;
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
