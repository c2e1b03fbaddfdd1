import { computeBatchBudget } from '../shared/domain/budget.ts';
import { SUGGESTED_MAX_STALENESS_SECONDS, shouldHoldPending } from '../shared/domain/pending-policy.ts';
import { planInvalidation } from '../shared/domain/planner/index.ts';

/**
 * A seeded simulated month (DESIGN 6, "across a month"): deploy bursts on weekdays and small edits all
 * day, issued per SQS batch (one batch a minute, the collector before the pending set) or through the
 * drain with cost-aware coalescing (`shouldHoldPending`, held at most `maxStalenessSeconds`). Both use
 * the real budget pacing and planner (no inventory). Reports paths per month and the staleness of each
 * change (issue time − change time; CloudFront's own propagation comes on top for both).
 *
 * Run: `npx tsx bench/month-simulation.ts [seed]`.
 */

const MONTH_START = Date.parse('2026-11-01T00:00:00Z');
const MINUTES = 30 * 24 * 60;
const MINUTE_MS = 60_000;
const SECTIONS = ['docs', 'blog', 'guides', 'api', 'news', 'shop'];

interface Change {
  readonly at: number;
  readonly path: string;
}

/** Result of one strategy at one budget. */
export interface MonthResult {
  readonly strategy: 'per-batch' | 'drain';
  readonly budget: number;
  readonly changes: number;
  readonly paths: number;
  readonly invalidations: number;
  readonly p50StalenessSeconds: number;
  readonly p99StalenessSeconds: number;
  readonly maxStalenessSeconds: number;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Changes by minute: weekday deploys (2-5 minutes, 20-300 files) and ~40 one- or two-file edits a day. */
export function buildTrace(seed: number): Map<number, Change[]> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const byMinute = new Map<number, Change[]>();
  const add = (at: number, path: string) => {
    const minute = Math.floor((at - MONTH_START) / MINUTE_MS);
    if (minute >= MINUTES) return;
    const list = byMinute.get(minute) ?? [];
    list.push({ at, path });
    byMinute.set(minute, list);
  };
  for (let day = 0; day < 30; day++) {
    const dayStart = MONTH_START + day * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const deploys = weekday === 0 || weekday === 6 ? 0 : 1 + Math.floor(random() * 2);
    for (let d = 0; d < deploys; d++) {
      const start = dayStart + (9 + random() * 9) * 3_600_000;
      const files = 20 + Math.floor(random() * 280);
      const release = Math.floor(random() * 1e6).toString(36);
      for (let f = 0; f < files; f++) {
        const at = start + random() * (2 + random() * 3) * MINUTE_MS;
        const path =
          random() < 0.7
            ? `/assets/${release}/chunk-${f}.js`
            : `/${pick(SECTIONS)}/page-${Math.floor(random() * 200)}.html`;
        add(at, path);
      }
    }
    const edits = Math.round(30 + random() * 20);
    for (let e = 0; e < edits; e++) {
      const at = dayStart + (7 + random() * 15) * 3_600_000;
      const section = pick(SECTIONS);
      const count = random() < 0.7 ? 1 : 2;
      for (let c = 0; c < count; c++) add(at + c * 1000, `/${section}/page-${Math.floor(random() * 200)}.html`);
    }
  }
  return byMinute;
}

/** Runs one strategy over the trace at one monthly path budget. */
export function simulateMonth(
  trace: ReadonlyMap<number, readonly Change[]>,
  budget: number,
  strategy: MonthResult['strategy'],
): MonthResult {
  let used = 0;
  let batches = 0;
  let pending: Change[] = [];
  const staleness: number[] = [];
  for (let minute = 0; minute < MINUTES; minute++) {
    const now = MONTH_START + (minute + 1) * MINUTE_MS; // the batch window closes at the end of the minute
    pending = pending.concat(trace.get(minute) ?? []);
    if (pending.length === 0) continue;
    const paths = [...new Set(pending.map((change) => change.path))];
    const oldest = Math.min(...pending.map((change) => change.at));
    if (
      strategy === 'drain' &&
      shouldHoldPending({
        nowMs: now,
        oldestFirstSeenAt: oldest,
        maxStalenessSeconds: SUGGESTED_MAX_STALENESS_SECONDS,
        pathsUsedThisMonth: used,
        monthlyPathBudget: budget,
        changedPaths: paths.length,
      })
    ) {
      continue;
    }
    const batchBudget = computeBatchBudget({
      monthlyPathBudget: budget,
      pathsUsedThisMonth: used,
      batchesThisMonth: batches,
      nowMs: now,
      maxPathsPerInvalidation: 500,
      hardMonthlyCap: undefined,
      exactInFlight: 0,
      wildcardsInFlight: 0,
      wildcardSafetyMargin: 2,
    });
    const plan = planInvalidation({
      changed: paths,
      maxPaths: batchBudget.maxPaths,
      maxWildcards: batchBudget.maxWildcards,
    });
    used += plan.paths.length;
    batches++;
    for (const change of pending) staleness.push((now - change.at) / 1000);
    pending = [];
  }
  staleness.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(staleness[Math.min(staleness.length - 1, Math.floor(q * staleness.length))] ?? 0);
  return {
    strategy,
    budget,
    changes: staleness.length,
    paths: used,
    invalidations: batches,
    p50StalenessSeconds: at(0.5),
    p99StalenessSeconds: at(0.99),
    maxStalenessSeconds: Math.round(staleness.at(-1) ?? 0),
  };
}

function main(): void {
  const seed = Number(process.argv[2] ?? 13);
  const trace = buildTrace(seed);
  console.log(`seed ${seed}, ${[...trace.values()].reduce((sum, list) => sum + list.length, 0)} changes`);
  console.log('| strategy  | budget | paths/month | invalidations | p50 staleness (s) | p99 staleness (s) | max (s) |');
  console.log('| --------- | -----: | ----------: | ------------: | ----------------: | ----------------: | ------: |');
  for (const budget of [1000, 300]) {
    for (const strategy of ['per-batch', 'drain'] as const) {
      const r = simulateMonth(trace, budget, strategy);
      console.log(
        `| ${r.strategy.padEnd(9)} | ${String(r.budget).padStart(6)} | ${String(r.paths).padStart(11)} | ${String(r.invalidations).padStart(13)} | ${String(r.p50StalenessSeconds).padStart(17)} | ${String(r.p99StalenessSeconds).padStart(17)} | ${String(r.maxStalenessSeconds).padStart(7)} |`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
