import type { UnitStep } from '../../shared/app/issue-unit.ts';
import type { FaultSpec, RandomFaultKind } from '../../shared/local/cloudfront-emulator/index.ts';
import type { DynamoFaultRates } from './dynamo-faults.ts';
import { buildPoison, POISON_KINDS, type PoisonMessage } from './poison.ts';
import type { ProcessCrashPlan } from './process-crash.ts';
import { createRng, type Rng } from './rng.ts';
import { DISTRIBUTIONS, FAULT_STACK_POLICY, SITES } from './topology.ts';

/** One object write or delete, as a deploy tool would send it to S3. */
export interface ObjectOp {
  readonly kind: 'put' | 'delete';
  readonly bucket: string;
  readonly key: string;
  /** Content of a put (it names the version, so a stale copy is told apart). */
  readonly body?: string;
}

/** Object changes sent at once, after a pause. */
export interface Burst {
  readonly delayMs: number;
  readonly ops: readonly ObjectOp[];
}

/** Wildcard or exact paths put in flight by someone else, so CloudFront refuses ours for a while. */
export interface QuotaFill {
  readonly distributionId: string;
  readonly kind: 'wildcards' | 'exact';
  /** When, after the first burst, the fill is created, and how long it stays in progress. */
  readonly afterMs: number;
  readonly holdMs: number;
}

/** CloudFront faults of one run. */
export interface CloudFrontFaults {
  /** Per-request probabilities of the seeded random mode (none: off). */
  readonly rates: Partial<Record<RandomFaultKind, number>>;
  readonly latencyMs: number;
  /** Faults queued for the next CreateInvalidation calls, in order (e.g. created-then-lost, then throttled). */
  readonly queued: readonly FaultSpec[];
}

/** Collector crashes of one run: each checkpoint dies with `rate`, at most `max` times. */
export interface CrashPlan {
  readonly steps: readonly UnitStep[];
  readonly rate: number;
  readonly max: number;
}

/** A batch handed straight to the collector (SQS cannot carry it: 10,000 records, 6 MB). */
export interface DirectBatch {
  /** Records in the event, copies of real notifications included. */
  readonly records: number;
  /** Bytes of padding per synthetic record body, to bring the event near Lambda's 6 MB. */
  readonly padBytes: number;
  /** Invocations that split the batch and run at once (two pollers racing). */
  readonly invocations: number;
  /**
   * SQS at-least-once: the first delivery hands every group to two invocations at once, the same
   * message ids to both (they race for the same units of work).
   */
  readonly duplicateDelivery: boolean;
}

/**
 * How a run's clock goes: within its month (`plain`); across midnight into the next month while the
 * faults run (`crossing`: the act starts `leadMs` before 00:00 UTC on the 1st, and when the first
 * reservation's invocation dies the clock moves on to just past midnight); or a long hard-cap wait
 * (`long-wait`: starts on `startDay` at the cap, waits `waitDays` days, then the next month drains it).
 */
export type ClockPlan =
  | { readonly kind: 'plain' }
  | { readonly kind: 'crossing'; readonly leadMs: number }
  | { readonly kind: 'long-wait'; readonly startDay: number; readonly waitDays: number };

/**
 * A two-distribution run: objects of the bucket that feeds two distributions are written in waves while
 * every DynamoDB write of one distribution fails for `failMs`; their messages come back, and the other
 * distribution must not be issued (billed) again.
 */
export interface TwoDistributionPlan {
  readonly waves: readonly (readonly ObjectOp[])[];
  readonly waveGapMs: number;
  readonly failMs: number;
}

/** Everything one seeded run does. */
export interface Scenario {
  readonly seed: number;
  /** Key prefix of this run's objects: runs share buckets but never keys. */
  readonly prefix: string;
  /** Milliseconds into its (31-day, virtual) month at which the run starts: drives pacing. */
  readonly monthOffsetMs: number;
  /** Paths (and invalidations) already used this month before the run (budget spent, cap near). */
  readonly baseline: { readonly paths: number; readonly invalidations: number };
  readonly clock: ClockPlan;
  /** Paths already used in the next month (crossing runs: near its cap too, so the rollover is capped). */
  readonly nextBaseline: { readonly paths: number; readonly invalidations: number };
  /** A character CloudFront refuses (InvalidArgument) during the faults, and keys of the run hold it. */
  readonly refuse: string | null;
  readonly twoDistributions: TwoDistributionPlan | null;
  /** Real crashes: a child process running the collector, SIGKILLed at a checkpoint. */
  readonly processCrash: ProcessCrashPlan | null;
  /**
   * A CreateInvalidation held this long while the clock passes the reservation's staleness and the sweep
   * runs: its first look does not find it yet, and the paths must stay counted until it lands.
   */
  readonly slowCreateSweepMs: number | null;
  /**
   * How many looks the sweep takes while the create is held: 2 holds it past the second look too, so the
   * sweep releases it and the late create lands on a released entry (`markIssued` must count it again).
   * Beyond what the design bounds (a create landing two stalenesses late may pass the cap by its paths),
   * so only in runs whose month is far from the cap (all of those; the others take one look).
   */
  readonly slowCreateLooks: 1 | 2;
  readonly initial: readonly ObjectOp[];
  readonly bursts: readonly Burst[];
  /** Copies of the notifications of changed keys, sent straight to the queue (duplicates, late). */
  readonly duplicates: readonly { readonly bucket: string; readonly key: string; readonly delaySeconds: number }[];
  readonly poison: readonly PoisonMessage[];
  readonly cloudFront: CloudFrontFaults;
  /** DynamoDB faults on the collector's writes: conflicts, throttling, lost answers (none: off). */
  readonly dynamo: DynamoFaultRates | null;
  readonly quotaFill: QuotaFill | null;
  readonly crash: CrashPlan | null;
  readonly direct: DirectBatch | null;
  /** Faults stay on this long after the last message is sent, then go off. */
  readonly faultTailMs: number;
}

/** Knobs of the generator: the e2e test keeps runs small; the soak may ask for load runs. */
export interface ScenarioOptions {
  /** Probability of a 10,000-record direct batch (default 0.04). */
  readonly loadRate?: number;
}

const DAY_MS = 86_400_000;
const STEPS: readonly UnitStep[] = ['before-reserve', 'after-reserve', 'after-create', 'after-mark'];

/**
 * Draws a run from a seed. Pure: the same seed and options give the same scenario.
 *
 * @param seed - the run's seed (printed on failure)
 * @param options - generator knobs
 */
export function generateScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = createRng(seed);
  const prefix = `r${seed.toString(36)}`;
  const extraRng = rng.fork('extra');
  const clock = drawClock(extraRng);
  const refuse = extraRng.chance(0.15) ? '!' : null;
  const keys = keyUniverse(prefix, rng.fork('keys'));
  const initial = keys.filter(() => rng.chance(0.7)).map((object) => put(object, 1));
  const bursts = drawBursts(keys, initial, rng.fork('bursts'));
  if (refuse !== null) {
    // Keys CloudFront will refuse raw, changed in the first burst: bad-path isolation must run.
    const refused = Array.from({ length: extraRng.int(1, 3) }, (_, i) => ({
      bucket: SITES.site,
      key: extraRng.chance(0.5) ? `${prefix}/y/bang${refuse}${i}.html` : `prod/${prefix}/y/bang${refuse}${i}.html`,
    }));
    bursts[0] = { ...(bursts[0] as Burst), ops: [...(bursts[0] as Burst).ops, ...refused.map((key) => put(key, 2))] };
  }
  const changed = [
    ...new Map(bursts.flatMap((burst) => burst.ops).map((op) => [`${op.bucket}/${op.key}`, op])).values(),
  ];
  const dupRng = rng.fork('duplicates');
  const duplicates = dupRng.chance(0.6)
    ? dupRng
        .shuffle(changed)
        .slice(0, dupRng.int(1, 12))
        .map((op) => ({ bucket: op.bucket, key: op.key, delaySeconds: dupRng.int(0, 2) }))
    : [];
  const poisonRng = rng.fork('poison');
  const poison = poisonRng.chance(0.7)
    ? Array.from({ length: poisonRng.int(1, 6) }, (_, i) => buildPoison(poisonRng.pick(POISON_KINDS), prefix, i))
    : [];
  const faultRng = rng.fork('faults');
  const quotaFill: QuotaFill | null = faultRng.chance(0.25)
    ? {
        distributionId: faultRng.pick(DISTRIBUTIONS),
        kind: faultRng.chance(0.7) ? 'wildcards' : 'exact',
        afterMs: faultRng.int(0, 800),
        holdMs: faultRng.int(300, 2500),
      }
    : null;
  const monthOffsetMs = faultRng.int(0, 27) * DAY_MS + faultRng.int(0, DAY_MS - 1);
  const plainBaseline = drawBaseline(faultRng);
  const crash = faultRng.chance(0.3)
    ? {
        steps: faultRng.shuffle(STEPS).slice(0, faultRng.int(1, STEPS.length)),
        rate: 0.1 + faultRng.next() * 0.4,
        max: faultRng.int(1, 3),
      }
    : null;
  const processCrash: ProcessCrashPlan | null = extraRng.chance(0.2)
    ? { share: 0.5, steps: extraRng.shuffle(STEPS).slice(0, extraRng.int(1, 3)), max: extraRng.int(1, 2) }
    : null;
  // A crash legitimately issues a distribution again (the whole invocation died, no progress recorded),
  // so the two-distribution runs, which check that nothing is issued twice, draw no crashes.
  const two =
    crash === null && processCrash === null && clock.kind !== 'crossing' && extraRng.chance(0.25)
      ? drawTwo(prefix, extraRng)
      : null;
  return {
    seed,
    prefix,
    monthOffsetMs: clock.kind === 'long-wait' ? clock.startDay * DAY_MS + (monthOffsetMs % DAY_MS) : monthOffsetMs,
    baseline: clockBaseline(clock, plainBaseline, extraRng),
    clock,
    nextBaseline:
      clock.kind === 'crossing' && extraRng.chance(0.5)
        ? { paths: FAULT_STACK_POLICY.hardMonthlyCap - extraRng.int(5, 60), invalidations: extraRng.int(50, 300) }
        : { paths: 0, invalidations: 0 },
    refuse,
    twoDistributions: two?.plan ?? null,
    processCrash,
    // The held request must be one of ours: a quota fill's own request would take the latency instead.
    slowCreateSweepMs:
      clock.kind === 'plain' && quotaFill === null && extraRng.chance(0.3) ? extraRng.int(1200, 2000) : null,
    slowCreateLooks: plainBaseline.paths < FAULT_STACK_POLICY.hardMonthlyCap / 2 ? 2 : 1,
    initial: [...initial, ...(two?.initial ?? [])],
    bursts: clock.kind === 'crossing' ? bursts.slice(0, 1) : bursts,
    duplicates: clock.kind === 'crossing' ? [] : duplicates,
    poison,
    cloudFront: drawCloudFrontFaults(faultRng),
    dynamo: faultRng.chance(0.4)
      ? { conflict: faultRng.next() * 0.08, throttle: faultRng.next() * 0.08, lostResponse: faultRng.next() * 0.08 }
      : null,
    quotaFill,
    // Crossing: the first reservation's invocation dies, and the clock is then put past midnight, so its
    // messages come back in the next month (the rollover); one burst, no copies, so they come back as the
    // same unit of work.
    crash: clock.kind === 'crossing' && two === null ? { steps: ['after-reserve'], rate: 1, max: 1 } : crash,
    direct: clock.kind === 'crossing' ? null : drawDirect(faultRng, options.loadRate ?? 0.04),
    faultTailMs: faultRng.int(0, 2000),
  };
}

interface KeySpec {
  readonly bucket: string;
  readonly key: string;
}

/** The keys a run may touch: plain pages, index documents, the origin path, awkward characters. */
function keyUniverse(prefix: string, rng: Rng): KeySpec[] {
  const site = SITES.site;
  const docs = SITES.docs;
  const keys: KeySpec[] = [];
  const sections = rng.int(1, 4);
  for (let s = 0; s < sections; s++) {
    for (let p = 0; p < rng.int(2, 8); p++) keys.push({ bucket: site, key: `${prefix}/s${s}/page-${p}.html` });
    keys.push({ bucket: site, key: `${prefix}/s${s}/index.html` });
  }
  for (let p = 0; p < rng.int(1, 6); p++) keys.push({ bucket: site, key: `prod/${prefix}/app/part-${p}.js` });
  keys.push({ bucket: site, key: `prod/${prefix}/index.html` });
  // Keys S3 allows and CloudFront needs encoded (or wildcarded): unicode, space, plus, ?, #, *, %, ~.
  const awkward = [
    'café ünï.html',
    'a+b c.txt',
    'q?x=1.html',
    'h#frag.css',
    'star*name.js',
    'pct%25.txt',
    'ti~lde',
    "it's.html",
  ];
  for (const name of rng.shuffle(awkward).slice(0, rng.int(1, awkward.length))) {
    keys.push({ bucket: site, key: rng.chance(0.5) ? `${prefix}/x/${name}` : `prod/${prefix}/x/${name}` });
  }
  for (let g = 0; g < rng.int(1, 3); g++) {
    keys.push({ bucket: docs, key: `docs/${prefix}/guide-${g}/index.html` });
    for (let p = 0; p < rng.int(1, 5); p++)
      keys.push({ bucket: docs, key: `docs/${prefix}/guide-${g}/part-${p}.html` });
  }
  keys.push({ bucket: docs, key: `docs/${prefix}/bundle.immutable.js` }); // excluded by the route
  keys.push({ bucket: docs, key: `other/${prefix}/outside.txt` }); // no route takes it
  return keys;
}

function put(object: KeySpec, version: number): ObjectOp {
  return { kind: 'put', bucket: object.bucket, key: object.key, body: `${object.key} v${version}` };
}

function drawBursts(keys: readonly KeySpec[], initial: readonly ObjectOp[], rng: Rng): Burst[] {
  const version = new Map<string, number>();
  const exists = new Set(initial.map((op) => `${op.bucket}/${op.key}`));
  for (const op of initial) version.set(`${op.bucket}/${op.key}`, 1);
  const bursts: Burst[] = [];
  const count = rng.int(1, 4);
  for (let b = 0; b < count; b++) {
    const picked = rng.shuffle(keys).slice(0, rng.int(3, Math.min(40, keys.length)));
    const ops = picked.map((object): ObjectOp => {
      const id = `${object.bucket}/${object.key}`;
      if (exists.has(id) && rng.chance(0.25)) {
        exists.delete(id);
        return { kind: 'delete', bucket: object.bucket, key: object.key };
      }
      exists.add(id);
      const next = (version.get(id) ?? 0) + 1;
      version.set(id, next);
      return put(object, next);
    });
    bursts.push({ delayMs: b === 0 ? 0 : rng.int(0, 1500), ops });
  }
  return bursts;
}

function drawBaseline(rng: Rng): Scenario['baseline'] {
  const { hardMonthlyCap, monthlyPathBudget } = FAULT_STACK_POLICY;
  const roll = rng.next();
  if (roll < 0.12) return { paths: hardMonthlyCap - rng.int(0, 12), invalidations: rng.int(50, 400) };
  if (roll < 0.3) return { paths: monthlyPathBudget + rng.int(0, 200), invalidations: rng.int(20, 200) };
  return { paths: 0, invalidations: 0 };
}

function drawCloudFrontFaults(rng: Rng): CloudFrontFaults {
  const rates: Partial<Record<RandomFaultKind, number>> = {};
  if (rng.chance(0.75)) {
    rates.throttle = rng.next() * 0.15;
    rates.serverError = rng.next() * 0.1;
    rates.lostResponse = rng.next() * 0.1;
    rates.reset = rng.next() * 0.05;
    rates.latency = rng.next() * 0.2;
  }
  const queued: FaultSpec[] = [];
  if (rng.chance(0.25)) {
    // Created, the answer lost, then the SDK's retries throttled: the last error looks definite.
    queued.push({ kind: 'lostResponse', as: rng.chance(0.5) ? 'serverError' : 'reset' });
    queued.push({ kind: 'throttle', times: rng.int(1, 3) });
  }
  return { rates, latencyMs: rng.int(10, 300), queued };
}

function drawDirect(rng: Rng, loadRate: number): DirectBatch | null {
  if (rng.chance(loadRate)) return { records: 10_000, padBytes: 480, invocations: 1, duplicateDelivery: false };
  if (!rng.chance(0.3)) return null;
  return {
    records: rng.int(20, 400),
    padBytes: rng.int(0, 2000),
    invocations: rng.int(2, 3),
    duplicateDelivery: rng.chance(0.6),
  };
}

function drawClock(rng: Rng): ClockPlan {
  const roll = rng.next();
  if (roll < 0.12) return { kind: 'crossing', leadMs: rng.int(5000, 10_000) };
  if (roll < 0.19) return { kind: 'long-wait', startDay: rng.int(8, 15), waitDays: rng.int(2, 6) };
  return { kind: 'plain' };
}

/** Crossing runs start near the cap or with the budget spent; long waits start at the cap. */
function clockBaseline(clock: ClockPlan, plain: Scenario['baseline'], rng: Rng): Scenario['baseline'] {
  const { hardMonthlyCap, monthlyPathBudget } = FAULT_STACK_POLICY;
  if (clock.kind === 'long-wait') return { paths: hardMonthlyCap - rng.int(0, 3), invalidations: rng.int(50, 400) };
  if (clock.kind !== 'crossing') return plain;
  const roll = rng.next();
  // Near the cap, with room for the reservation that rolls over (next month's cap then decides).
  if (roll < 0.5) return { paths: hardMonthlyCap - rng.int(20, 60), invalidations: rng.int(50, 400) };
  if (roll < 0.8) return { paths: monthlyPathBudget + rng.int(0, 400), invalidations: rng.int(20, 200) };
  return { paths: 0, invalidations: 0 };
}

/** Keys of the two-distribution bucket: first versions (warmed), then waves of second versions. */
function drawTwo(prefix: string, rng: Rng): { plan: TwoDistributionPlan; initial: ObjectOp[] } {
  const waves = Array.from({ length: rng.int(2, 3) }, (_, w) =>
    Array.from({ length: rng.int(1, 4) }, (_, k) => ({ bucket: SITES.two, key: `${prefix}/w${w}/k${k}.html` })),
  );
  return {
    plan: {
      waves: waves.map((wave) => wave.map((key) => put(key, 2))),
      waveGapMs: rng.int(300, 700),
      failMs: rng.int(1200, 2500),
    },
    initial: waves.flat().map((key) => put(key, 1)),
  };
}
