import type { RunObservation } from './invariants.ts';
import { DIST } from './topology.ts';

/**
 * Every fault kind the soak injects, by the name its figures print. Each must fire in a soak of
 * {@link MIN_RUNS_FOR_FIRED_CHECK} runs or more, or the soak fails: a kind that never fires tests nothing.
 */
export const FAULT_KINDS = [
  'cloudfront:throttle',
  'cloudfront:serverError',
  'cloudfront:serviceUnavailable',
  'cloudfront:reset',
  'cloudfront:latency',
  'cloudfront:lostResponse',
  'in-flight quota met (refused or deferred)',
  'quota filled from outside',
  'dynamodb:conflict',
  'dynamodb:throttle',
  'dynamodb:throttle:transaction',
  'dynamodb:lostResponse',
  'collector crash',
  'collector process killed (SIGKILL)',
  'duplicate notifications',
  'poison messages',
  'direct batches',
  'same ids to two invocations at once',
  '10,000-record batches',
  'cap near at start',
  'hard cap deferrals',
  'month crossed during faults',
  'reservation moved into the next month',
  'long hard-cap wait (days, then next month)',
  'InvalidArgument: refused paths isolated',
  'two distributions: one failed',
  'sweep looked during a slow create',
  'create landed after the sweep released it',
] as const;

/** Soaks this long must fire every kind. */
export const MIN_RUNS_FOR_FIRED_CHECK = 200;

/** How often each fault kind fired in one run (kinds that did not fire are absent). */
export function faultFigures(run: RunObservation): Record<string, number> {
  const figures: Record<string, number> = {};
  const add = (kind: string, count = 1) => {
    if (count > 0) figures[kind] = (figures[kind] ?? 0) + count;
  };
  for (const kind of run.faultsInjected) add(kind);
  add('collector crash', run.crashes);
  add('collector process killed (SIGKILL)', run.processKills);
  add('quota filled from outside', run.quotaFilled ? 1 : 0);
  add('deferred records', run.deferred);
  add('cap near at start', run.scenario.baseline.paths >= run.hardCap - 12 ? 1 : 0);
  add('duplicate notifications', run.scenario.duplicates.length);
  add('poison messages', run.poison.size + (run.direct?.junkIds.size ?? 0));
  add('direct batches', run.direct === null ? 0 : 1);
  add('same ids to two invocations at once', run.scenario.direct?.duplicateDelivery === true ? 1 : 0);
  add('10,000-record batches', (run.direct?.records ?? 0) >= 10_000 ? 1 : 0);
  add('month crossed during faults', run.scenario.clock.kind === 'crossing' ? 1 : 0);
  add('long hard-cap wait (days, then next month)', (run.longWait?.waiting.size ?? 0) > 0 ? 1 : 0);
  add('InvalidArgument: refused paths isolated', run.refusedPaths);
  add('sweep looked during a slow create', run.sweptDuringSlowCreate);
  add('create landed after the sweep released it', run.releasedBeforeLanding);
  for (const line of run.logs) {
    const reason = String(line.extra.reason ?? '');
    if (line.message === 'reservation moved to the month it is issued in') add('reservation moved into the next month');
    if (line.message === 'distribution failed' && line.extra.distributionId === DIST.twoFailing) {
      add('two distributions: one failed');
    }
    // A failed distribution's messages come back; with the pending set its changes wait there instead.
    if (line.message !== 'distribution failed' && line.message !== 'changes pending') continue;
    if (reason.includes('TooManyInvalidationsInProgress') || reason.includes('in-flight-full')) {
      add('in-flight quota met (refused or deferred)');
    }
    if (reason.includes('hard-cap-reached') || reason.includes('hard monthly cap')) add('hard cap deferrals');
  }
  return figures;
}

/** The kinds that never fired in `faults` (summed over runs). */
export function neverFired(faults: Readonly<Record<string, number>>): string[] {
  return FAULT_KINDS.filter((kind) => (faults[kind] ?? 0) === 0);
}
