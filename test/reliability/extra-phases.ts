import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { buildDirectRecords, withReceiveCount } from './direct-batch.ts';
import { applyOps } from './fault-actions.ts';
import type { FaultStack } from './fault-stack.ts';
import { notification } from './poison.ts';
import type { Scenario } from './scenario.ts';
import { DIST, FAULT_STACK_POLICY, SITES } from './topology.ts';

const DAY_MS = 86_400_000;
const IDLE_TIMEOUT_MS = 180_000;

/** Every path waiting in a pending set, as `distributionId path` (the collector acknowledged its messages). */
export async function pendingPaths(faults: FaultStack): Promise<Set<string>> {
  const store = new DynamoPendingStore(DynamoDBDocumentClient.from(faults.stack.clients.dynamo), {
    tableName: faults.stack.tableName,
  });
  const waiting = new Set<string>();
  for (const summary of await store.summarize()) {
    for (const set of await store.list(summary.distributionId)) {
      for (const path of set.paths) waiting.add(`${set.distributionId} ${path}`);
    }
  }
  return waiting;
}

/** The scheduled drain once (every minute in AWS), then until its invalidations complete. */
export async function drainOnce(faults: FaultStack): Promise<void> {
  await faults.stack.drainNow();
  await faults.stack.waitForIdle({ timeoutMs: IDLE_TIMEOUT_MS });
}

/** What a long hard-cap wait saw. */
export interface LongWait {
  /** Paths pending when the cap held them (`distributionId path`). */
  readonly waiting: ReadonlySet<string>;
  /** Of those, still pending after the days at the cap and a drain (all of them, if the cap held). */
  readonly stillWaiting: number;
  /** Invalidations of ours CloudFront created during the days at the cap. */
  readonly issuedWhileCapped: number;
}

/**
 * A long hard-cap wait, played on the injected clock once the run is idle: what the cap holds waits
 * `waitDays` days (a drain then must issue nothing), then the next month's first drain issues it.
 *
 * @param nextMonthStart - epoch ms of the next month's first instant
 */
export async function playLongWait(
  faults: FaultStack,
  scenario: Scenario,
  nextMonthStart: number,
): Promise<LongWait | null> {
  if (scenario.clock.kind !== 'long-wait') return null;
  const waiting = await pendingPaths(faults);
  const createdBefore = faults.stack.emulator.invalidations().length;
  faults.setTime(faults.now() + scenario.clock.waitDays * DAY_MS);
  await drainOnce(faults);
  const issuedWhileCapped = faults.stack.emulator
    .invalidations()
    .slice(createdBefore)
    .filter((invalidation) => invalidation.callerReference.startsWith('inv-')).length;
  const still = await pendingPaths(faults);
  const stillWaiting = [...waiting].filter((path) => still.has(path)).length;
  faults.setTime(nextMonthStart + 3 * 3_600_000);
  await drainOnce(faults);
  return { waiting, stillWaiting, issuedWhileCapped };
}

/**
 * The two-distribution phase: every DynamoDB write naming the failing distribution is refused while the
 * waves of objects are written, so its group fails and the messages come back, while the other
 * distribution of the same messages succeeds the first time.
 */
export async function playTwoDistributions(faults: FaultStack, scenario: Scenario): Promise<void> {
  const plan = scenario.twoDistributions;
  if (plan === null) return;
  const until = Date.now() + plan.failMs;
  faults.dynamoFaults.refuseWritesNaming(DIST.twoFailing);
  try {
    for (const wave of plan.waves) {
      await applyOps(faults, wave);
      await sleep(plan.waveGapMs);
    }
    await sleep(Math.max(0, until - Date.now()));
  } finally {
    faults.dynamoFaults.refuseWritesNaming(null);
  }
}

/**
 * The slow create: the next CreateInvalidation is held `ms` while the clock passes the reservation
 * staleness and an empty batch runs the sweep, whose first look does not find it in CloudFront yet; then
 * the request lands. Its paths must stay counted meanwhile (the sweep used to release them, handing the
 * cap to others, and the late create was counted again or not at all: soak seeds 35, 74, 121). Returns
 * whether the sweep ran while a create was held.
 */
export async function playSlowCreateSweep(faults: FaultStack, scenario: Scenario): Promise<SlowCreate> {
  const none = { looked: false, releasedFirst: false };
  if (scenario.slowCreateSweepMs === null) return none;
  // Two looks take two sweeps: the request is held long enough for both on a loaded machine.
  const ms = scenario.slowCreateSweepMs + (scenario.slowCreateLooks - 1) * SECOND_LOOK_HOLD_MS;
  const { emulator } = faults.stack;
  if (!(await until(() => emulator.faults.pending() === 0, 5000))) return none;
  emulator.faults.next('CreateInvalidation', { kind: 'latency', ms });
  if (!(await until(() => emulator.faults.pending() === 0, 10_000))) return none;
  const heldAt = Date.now();
  for (let look = 1; look <= scenario.slowCreateLooks; look++) {
    faults.setTime(faults.now() + (FAULT_STACK_POLICY.staleReservationSeconds + 2) * 1000);
    await faults.stack.invoke({ Records: [] }).catch(() => undefined);
  }
  return { looked: true, releasedFirst: scenario.slowCreateLooks === 2 && Date.now() - heldAt < ms };
}

/** What the slow create did: whether the sweep looked while it was held, and swept twice before it landed. */
export interface SlowCreate {
  readonly looked: boolean;
  readonly releasedFirst: boolean;
}

/**
 * Extra hold of a create that must outlast two sweeps: two empty invocations took 10.5 s at load 12
 * (2026-12-02). A retry of the unit's messages may still claim it between the looks (its lease ran out
 * with the clock), which voids the first look: then nothing is released early, and the kind does not fire.
 */
const SECOND_LOOK_HOLD_MS = 20_000;

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

/** How far past midnight a crossing run's clock is put: beyond the 5 s boundary skew counting allows. */
export const PAST_MIDNIGHT_MS = 6000;

/**
 * The crossing probe, before the bursts: a batch of deletes in the two-distribution bucket is handed to
 * the collector before midnight and dies right after its first reservation; the clock is put past
 * midnight and SQS redelivers the same batch, so the reserved unit resumes in the next month and must be
 * moved into it, under its cap (the rollover). The bucket is the one no other traffic of a crossing run
 * uses, so no pending set merges into the unit and the redelivery is the same unit of work.
 */
export async function playCrossingProbe(faults: FaultStack, scenario: Scenario, nextMonthStart: number) {
  if (scenario.clock.kind !== 'crossing') return;
  const bodies = [0, 1, 2].map((i) =>
    notification(SITES.two, `${scenario.prefix}/probe/k${i}.html`, 'ObjectRemoved:Delete'),
  );
  const records = buildDirectRecords(
    { records: bodies.length, padBytes: 0, invocations: 1, duplicateDelivery: false },
    `${scenario.prefix}x`,
    bodies,
    [],
  );
  let crashed = false;
  faults.setCrashPolicy((step) => {
    if (crashed || step !== 'after-reserve') return false;
    crashed = true;
    return true;
  });
  await faults.stack.invoke({ Records: records }).catch(() => undefined);
  faults.setCrashPolicy(null);
  if (faults.now() < nextMonthStart + PAST_MIDNIGHT_MS) faults.setTime(nextMonthStart + PAST_MIDNIGHT_MS);
  for (let receive = 2; receive <= 3; receive++) {
    const response = await faults.stack
      .invoke({ Records: records.map((record) => withReceiveCount(record, receive)) })
      .catch(() => ({ batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) }));
    if (response.batchItemFailures.length === 0) return;
    await sleep(1000);
  }
}
