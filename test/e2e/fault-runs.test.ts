import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDirectRecords } from '../reliability/direct-batch.ts';
import { type FaultStack, startFaultStack } from '../reliability/fault-stack.ts';
import { notification } from '../reliability/poison.ts';
import { runScenario } from '../reliability/run-scenario.ts';
import { generateScenario, type Scenario } from '../reliability/scenario.ts';
import { sweepStack } from '../reliability/sweep.ts';
import { DIST, FAULT_STACK_POLICY, SITES } from '../reliability/topology.ts';

/** The first seed whose scenario has every feature a case needs, so each case keeps its meaning. */
function firstSeed(matches: (scenario: Scenario) => boolean): number {
  for (let seed = 1; seed < 10_000; seed++) if (matches(generateScenario(seed))) return seed;
  throw new Error('expected a seed with the wanted features below 10,000, got none');
}

const nearCap = (scenario: Scenario) => scenario.baseline.paths >= FAULT_STACK_POLICY.hardMonthlyCap - 12;
const cloudFrontFaults = (scenario: Scenario) => Object.keys(scenario.cloudFront.rates).length > 0;

/** Each case: what it covers, its seed, and the faults it must have met (deterministic ones only). */
const CASES: readonly (readonly [string, number, readonly string[]])[] = [
  [
    'crashes at every step, CloudFront faults, a create lost then throttled, DynamoDB faults',
    firstSeed(
      (s) => s.crash?.steps.length === 4 && s.cloudFront.queued.length > 0 && s.dynamo !== null && cloudFrontFaults(s),
    ),
    ['cloudfront:lostResponse', 'cloudfront:throttle'],
  ],
  [
    'the hard cap near and the wildcard quota filled from outside',
    firstSeed((s) => nearCap(s) && s.quotaFill?.kind === 'wildcards'),
    ['cap near at start', 'quota filled from outside'],
  ],
  [
    'a 10,000-record batch of about 6 MB with junk, under CloudFront and DynamoDB faults',
    firstSeed((s) => s.direct?.records === 10_000 && !nearCap(s) && cloudFrontFaults(s) && s.dynamo !== null),
    ['10,000-record batches', 'poison messages'],
  ],
  [
    'duplicates, poison and concurrent direct invocations with the budget spent',
    firstSeed(
      (s) =>
        s.baseline.paths > 0 &&
        !nearCap(s) &&
        s.duplicates.length > 0 &&
        s.poison.length >= 4 &&
        (s.direct?.invocations ?? 0) >= 2,
    ),
    ['duplicate notifications', 'poison messages', 'direct batches'],
  ],
];

describe('seeded fault runs', () => {
  let stack: FaultStack;
  let runs = 0;

  beforeAll(async () => {
    stack = await startFaultStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(CASES)('keeps objects fresh and counts every path once with %s (seed %i)', async (_name, seed, met) => {
    // Prepare
    const scenario = generateScenario(seed);

    // Act
    const report = await runScenario(stack, scenario, runs++, sweepStack);

    // Assess
    expect(report.violations, `replay: npx tsx bench/soak.ts --runs 1 --seed ${seed}`).toEqual([]);
    expect(report.figures.objectsChanged).toBeGreaterThan(0);
    expect(report.figures.unresolvedReservations).toBe(0);
    expect(met.filter((kind) => !(report.figures.faults[kind] ?? 0))).toEqual([]);
  });

  describe('the local stack', () => {
    it('kills only the invocation that crashed when two run at once (regression)', async () => {
      // Prepare: the second invocation dies before reserving while the first waits in CreateInvalidation.
      stack.setTime(Date.parse('2099-01-10T00:00:00Z'));
      const deletes = (bucket: string, prefix: string) =>
        buildDirectRecords(
          { records: 3, padBytes: 0, invocations: 1, duplicateDelivery: false },
          prefix.replaceAll('/', '-'),
          [0, 1, 2].map((i) => notification(bucket, `${prefix}/crash-isolation/${i}.html`, 'ObjectRemoved:Delete')),
          [],
        );
      let firstPassed: () => void = () => undefined;
      const firstReserving = new Promise<void>((resolve) => {
        firstPassed = resolve;
      });
      let reservations = 0;
      stack.setCrashPolicy((step) => {
        if (step !== 'before-reserve') return false;
        reservations++;
        if (reservations === 1) firstPassed();
        return reservations === 2;
      });
      stack.stack.emulator.faults.next('CreateInvalidation', { kind: 'latency', ms: 1500 });

      // Act
      const living = stack.stack.invoke({ Records: deletes(SITES.docs, 'docs/iso') });
      await firstReserving;
      const dying = stack.stack.invoke({ Records: deletes(SITES.site, 'iso') });
      const outcomes = await Promise.allSettled([dying, living]);
      stack.setCrashPolicy(null);

      // Assess
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
      const [, kept] = outcomes;
      expect(kept?.status === 'fulfilled' ? kept.value.batchItemFailures : undefined).toEqual([]);
      expect(stack.stack.emulator.invalidations(DIST.docs).length).toBeGreaterThan(0);
    });
  });
});
