import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_KEYS } from '../../shared/adapters/ledger-table.ts';
import { monthKeyOf } from '../../shared/domain/month.ts';
import { DEFAULT_REFUSED_CHARACTERS } from '../../shared/local/cloudfront-emulator/index.ts';
import {
  drainOnce,
  PAST_MIDNIGHT_MS,
  pendingPaths,
  playCrossingProbe,
  playLongWait,
  playSlowCreateSweep,
  playTwoDistributions,
  type SlowCreate,
} from './extra-phases.ts';
import { applyOps, type DirectRun, fillQuota, sendDuplicates, sendPoison, startDirect } from './fault-actions.ts';
import type { FaultStack } from './fault-stack.ts';
import { virtualMonthStart, virtualNextMonthStart } from './fault-stack.ts';
import { checkInvariants, type RunFigures, type RunObservation } from './invariants.ts';
import { checkFreshness, snapshot, warmViewerUrls, watchCap } from './observe.ts';
import { createRng } from './rng.ts';
import type { Scenario } from './scenario.ts';
import { DISTRIBUTIONS, FAULT_STACK_POLICY } from './topology.ts';

/** The outcome of one run: its figures and every invariant it broke (none, hopefully). */
export interface RunReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly figures: RunFigures;
  readonly violations: readonly string[];
}

/** Hooks run after the stack is idle and faults are off, before the invariants are read (the sweep). */
export type SettleHook = (stack: FaultStack, month: string) => Promise<void>;

const IDLE_TIMEOUT_MS = 180_000;
const QUEUED_FAULT_WAIT_MS = 15_000;

/**
 * Runs one seeded scenario on a shared fault stack and checks the invariants.
 *
 * Phases: set the run's virtual month (January of its own year; crossing and long-wait runs go on into
 * February); upload the first versions and let them settle (no faults); warm every edge; seed both
 * months' earlier usage; then, with faults on, send the bursts, duplicates, poison, direct batches and
 * two-distribution waves; turn faults off after a tail; wait until idle; run the scheduled drain (and
 * play the long wait); drain the DLQ; settle; check.
 *
 * @param faults - the shared stack
 * @param scenario - what to do
 * @param runIndex - the run's position in the stack's life (its virtual year)
 * @param settle - optional hook after idle (e.g. the reservation sweep)
 */
export async function runScenario(
  faults: FaultStack,
  scenario: Scenario,
  runIndex: number,
  settle?: SettleHook,
): Promise<RunReport> {
  const started = Date.now();
  const { stack } = faults;
  const nextMonthStart = virtualNextMonthStart(runIndex);
  faults.setTime(virtualMonthStart(runIndex) + scenario.monthOffsetMs);
  const months = [monthKeyOf(faults.now()), monthKeyOf(nextMonthStart)];

  // Prepare: the first versions are live and cached at every edge.
  stack.emulator.faults.clear();
  faults.setCrashPolicy(null);
  faults.child.set(null);
  await applyOps(faults, scenario.initial);
  await stack.waitForIdle({ timeoutMs: IDLE_TIMEOUT_MS });
  for (const distributionId of DISTRIBUTIONS) await warmViewerUrls(faults, distributionId, scenario.initial);
  // Earlier traffic: each month's account total is brought up to the scenario's baseline.
  const baselines = [scenario.baseline, scenario.nextBaseline];
  for (const [index, month] of months.entries()) {
    const baseline = baselines[index] as Scenario['baseline'];
    const setupTotal = await faults.counters(month, LEDGER_KEYS.totalSk);
    if (baseline.paths > setupTotal.paths) {
      await faults.addUsage(month, baseline.paths - setupTotal.paths, baseline.invalidations);
    }
  }
  const before = await snapshot(faults, months);
  const logStart = stack.logs.length;
  const faultStart = stack.emulator.faults.injected().length;
  const requestStart = stack.emulator.requests().length;
  const deliveredStart = stack.bridge.delivered();
  const crashesBefore = sumOf(faults.crashes.values());
  const killsBefore = faults.child.kills();
  const deferredBefore = stack.metrics.get('Deferred') ?? 0;
  const refusedBefore = stack.metrics.get('RefusedPaths') ?? 0;

  // Act: faults on, then every message. A crossing run starts just before midnight of the 1st.
  if (scenario.clock.kind === 'crossing') faults.setTime(nextMonthStart - scenario.clock.leadMs);
  const rng = createRng(scenario.seed).fork('run');
  if (Object.keys(scenario.cloudFront.rates).length > 0) {
    stack.emulator.faults.random({
      seed: scenario.seed,
      rates: scenario.cloudFront.rates,
      latencyMs: scenario.cloudFront.latencyMs,
    });
  }
  for (const spec of scenario.cloudFront.queued) stack.emulator.faults.next('CreateInvalidation', spec);
  if (scenario.refuse !== null) stack.emulator.setRefusedCharacters(DEFAULT_REFUSED_CHARACTERS + scenario.refuse);
  const dynamoBefore = new Map(faults.dynamoFaults.injected);
  faults.dynamoFaults.set(scenario.dynamo, rng.fork('dynamo'));
  faults.child.set(scenario.processCrash, rng.fork('process'));
  await playCrossingProbe(faults, scenario, nextMonthStart);
  if (scenario.crash !== null) {
    const plan = scenario.crash;
    const crashRng = rng.fork('crash');
    let left = plan.max;
    faults.setCrashPolicy((step) => {
      if (left <= 0 || !plan.steps.includes(step) || !crashRng.chance(plan.rate)) return false;
      left--;
      // Crossing: the dead invocation's messages come back after midnight (a jump shorter than the
      // reservation staleness, so no live reservation looks abandoned).
      if (scenario.clock.kind === 'crossing' && faults.now() < nextMonthStart) {
        faults.setTime(nextMonthStart + PAST_MIDNIGHT_MS);
      }
      return true;
    });
  }
  const capWatch = watchCap(faults, months);
  const fill =
    scenario.quotaFill === null ? Promise.resolve(false) : fillQuota(faults, scenario.quotaFill, scenario.seed);
  const two = playTwoDistributions(faults, scenario);
  const poisonIds = new Map<string, Scenario['poison'][number]>();
  let direct: Promise<DirectRun | null> = Promise.resolve(null);
  let slow: Promise<SlowCreate> = Promise.resolve({ looked: false, releasedFirst: false });
  let sweptBefore = 0;
  for (const [index, burst] of scenario.bursts.entries()) {
    await sleep(burst.delayMs);
    await applyOps(faults, burst.ops);
    if (index === 0) {
      for (const [messageId, message] of await sendPoison(faults, scenario.poison)) poisonIds.set(messageId, message);
      direct = startDirect(faults, scenario, rng);
      sweptBefore = stack.logs.length;
      slow = playSlowCreateSweep(faults, scenario);
    }
  }
  await sendDuplicates(faults, scenario, rng);
  await sleep(scenario.faultTailMs);
  // Queued faults are part of the scenario: they stay on until a CreateInvalidation has met them.
  for (let waited = 0; stack.emulator.faults.pending() > 0 && waited < QUEUED_FAULT_WAIT_MS; waited += 100) {
    await sleep(100);
  }
  const slowCreate = await slow;
  const sweptDuringSlow = slowCreate.looked
    ? stack.logs
        .slice(sweptBefore)
        .filter((line) => line.message === 'stale reservation not found in CloudFront, looking again later').length
    : 0;
  await two;
  stack.emulator.faults.clear();
  stack.emulator.setRefusedCharacters(DEFAULT_REFUSED_CHARACTERS);
  faults.dynamoFaults.set(null);
  faults.setCrashPolicy(null);
  faults.child.set(null);
  const filled = await fill;
  const directOutcome = await direct;
  await stack.waitForIdle({ timeoutMs: IDLE_TIMEOUT_MS });
  // The scheduled drain (every minute in AWS); a long wait plays its days at the cap, then next month.
  const longWait = await playLongWait(faults, scenario, nextMonthStart);
  if (longWait === null) await drainOnce(faults);
  const capMax = await capWatch.stop();

  // Settle, then observe.
  const deadLetters = await faults.drainDlq();
  await settle?.(faults, months[0] as string);
  const after = await snapshot(faults, months);
  const freshness = await checkFreshness(faults, scenario);
  const injected = stack.emulator.faults.injected().slice(faultStart);
  const logs = stack.logs.slice(logStart);
  const observation: RunObservation = {
    scenario,
    months,
    hardCap: FAULT_STACK_POLICY.hardMonthlyCap,
    before,
    after,
    invalidations: stack.emulator.invalidations(),
    ledger: [...(await faults.ledgerRows(months[0] as string)), ...(await faults.ledgerRows(months[1] as string))],
    deadLetters: [...deadLetters, ...(directOutcome?.deadLetters ?? [])],
    logs,
    poison: poisonIds,
    direct: directOutcome,
    freshness,
    pending: await pendingPaths(faults),
    longWait,
    capMax,
    faultsInjected: [
      ...injected.map((fault) => `cloudfront:${fault.kind}`),
      ...[...faults.dynamoFaults.injected].flatMap(([kind, count]) =>
        Array.from<string>({ length: count - (dynamoBefore.get(kind) ?? 0) }).fill(`dynamodb:${kind}`),
      ),
    ],
    alreadyExists: stack.emulator
      .requests()
      .slice(requestStart)
      .filter((request) => request.errorCode === 'InvalidationBatchAlreadyExists').length,
    crashes: sumOf(faults.crashes.values()) - crashesBefore,
    processKills: faults.child.kills() - killsBefore,
    quotaFilled: filled,
    sweptDuringSlowCreate: sweptDuringSlow,
    releasedBeforeLanding: slowCreate.releasedFirst
      ? stack.logs.slice(sweptBefore).filter((line) => line.message === 'stale reservation released').length
      : 0,
    deferred: (stack.metrics.get('Deferred') ?? 0) - deferredBefore,
    refusedPaths: (stack.metrics.get('RefusedPaths') ?? 0) - refusedBefore,
    notifications: stack.bridge.delivered() - deliveredStart,
  };
  const { figures, violations } = checkInvariants(observation);
  return { seed: scenario.seed, durationMs: Date.now() - started, figures, violations };
}

function sumOf(values: Iterable<number>): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}
