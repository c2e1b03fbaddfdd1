import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { LEDGER_KEYS } from '../../shared/adapters/ledger-table.ts';
import { monthKeyOf } from '../../shared/domain/month.ts';
import { warmEdge } from '../../shared/local/demo/edge-check.ts';
import { applyOps, type DirectRun, fillQuota, sendDuplicates, sendPoison, startDirect } from './fault-actions.ts';
import type { FaultStack } from './fault-stack.ts';
import { virtualMonthStart } from './fault-stack.ts';
import { checkInvariants, type RunFigures, type RunObservation } from './invariants.ts';
import { checkFreshness, servedKeys, snapshot, watchCap } from './observe.ts';
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
 * Phases: set the run's virtual month; upload the first versions and let them settle (no faults);
 * warm every edge; seed the month's earlier usage; then, with faults on, send the bursts, duplicates,
 * poison and direct batches; turn faults off after a tail; wait until idle; drain the DLQ; settle;
 * check.
 *
 * @param faults - the shared stack
 * @param scenario - what to do
 * @param runIndex - the run's position in the stack's life (its virtual month)
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
  faults.setTime(virtualMonthStart(runIndex) + scenario.monthOffsetMs);
  const month = monthKeyOf(faults.now());

  // Prepare: the first versions are live and cached at every edge.
  stack.emulator.faults.clear();
  faults.setCrashPolicy(null);
  await applyOps(faults, scenario.initial);
  await stack.waitForIdle({ timeoutMs: IDLE_TIMEOUT_MS });
  for (const distributionId of DISTRIBUTIONS) {
    const route = faults.edgeRoute(distributionId);
    const edge = stack.edges.get(distributionId)?.endpoint ?? '';
    await warmEdge(edge, route, servedKeys(faults, distributionId, scenario.initial));
  }
  // Earlier traffic this month: the account total is brought up to the scenario's baseline.
  const setupTotal = await faults.counters(month, LEDGER_KEYS.totalSk);
  if (scenario.baseline.paths > setupTotal.paths) {
    await faults.addUsage(month, scenario.baseline.paths - setupTotal.paths, scenario.baseline.invalidations);
  }
  const before = await snapshot(faults, month);
  const logStart = stack.logs.length;
  const faultStart = stack.emulator.faults.injected().length;
  const requestStart = stack.emulator.requests().length;
  const deliveredStart = stack.bridge.delivered();
  const crashesBefore = sumOf(faults.crashes.values());
  const deferredBefore = stack.metrics.get('Deferred') ?? 0;

  // Act: faults on, then every message.
  const rng = createRng(scenario.seed).fork('run');
  if (Object.keys(scenario.cloudFront.rates).length > 0) {
    stack.emulator.faults.random({
      seed: scenario.seed,
      rates: scenario.cloudFront.rates,
      latencyMs: scenario.cloudFront.latencyMs,
    });
  }
  for (const spec of scenario.cloudFront.queued) stack.emulator.faults.next('CreateInvalidation', spec);
  const dynamoBefore = new Map(faults.dynamoFaults.injected);
  faults.dynamoFaults.set(scenario.dynamo, rng.fork('dynamo'));
  if (scenario.crash !== null) {
    const plan = scenario.crash;
    const crashRng = rng.fork('crash');
    let left = plan.max;
    faults.setCrashPolicy((step) => {
      if (left <= 0 || !plan.steps.includes(step) || !crashRng.chance(plan.rate)) return false;
      left--;
      return true;
    });
  }
  const capWatch = watchCap(faults, month);
  const fill =
    scenario.quotaFill === null ? Promise.resolve(false) : fillQuota(faults, scenario.quotaFill, scenario.seed);
  const poisonIds = new Map<string, Scenario['poison'][number]>();
  let direct: Promise<DirectRun | null> = Promise.resolve(null);
  for (const [index, burst] of scenario.bursts.entries()) {
    await sleep(burst.delayMs);
    await applyOps(faults, burst.ops);
    if (index === 0) {
      for (const [messageId, message] of await sendPoison(faults, scenario.poison)) poisonIds.set(messageId, message);
      direct = startDirect(faults, scenario, rng);
    }
  }
  await sendDuplicates(faults, scenario, rng);
  await sleep(scenario.faultTailMs);
  // Queued faults are part of the scenario: they stay on until a CreateInvalidation has met them.
  for (let waited = 0; stack.emulator.faults.pending() > 0 && waited < QUEUED_FAULT_WAIT_MS; waited += 100) {
    await sleep(100);
  }
  stack.emulator.faults.clear();
  faults.dynamoFaults.set(null);
  faults.setCrashPolicy(null);
  const filled = await fill;
  const directOutcome = await direct;
  await stack.waitForIdle({ timeoutMs: IDLE_TIMEOUT_MS });
  const capMax = await capWatch.stop();

  // Settle, then observe.
  const deadLetters = await faults.drainDlq();
  await settle?.(faults, month);
  const after = await snapshot(faults, month);
  const freshness = await checkFreshness(faults, scenario);
  const pending = await pendingPaths(faults);
  const injected = stack.emulator.faults.injected().slice(faultStart);
  const observation: RunObservation = {
    scenario,
    month,
    hardCap: FAULT_STACK_POLICY.hardMonthlyCap,
    before,
    after,
    invalidations: stack.emulator.invalidations(),
    ledger: await faults.ledgerRows(month),
    deadLetters: [...deadLetters, ...(directOutcome?.deadLetters ?? [])],
    logs: stack.logs.slice(logStart),
    poison: poisonIds,
    direct: directOutcome,
    freshness,
    pending,
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
    quotaFilled: filled,
    deferred: (stack.metrics.get('Deferred') ?? 0) - deferredBefore,
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

/** Every path waiting in a pending set, as `distributionId path` (the collector acknowledged its messages). */
async function pendingPaths(faults: FaultStack): Promise<Set<string>> {
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
