import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_KEYS } from '../../shared/adapters/ledger-table.ts';
import { routeChange } from '../../shared/domain/routes.ts';
import { type ViewerRoute, viewerPathsOf } from './aws-url.ts';
import { changedOps } from './fault-actions.ts';
import type { Counters, FaultStack } from './fault-stack.ts';
import type { ObjectOp, Scenario } from './scenario.ts';
import { DISTRIBUTIONS } from './topology.ts';

/** One month's counters: the account total and each distribution's. */
export interface MonthCounters {
  readonly total: Counters;
  readonly distributions: Readonly<Record<string, Counters>>;
}

/** The counters of the run's months and the ids of every invalidation, at one moment. */
export interface Snapshot {
  readonly months: Readonly<Record<string, MonthCounters>>;
  readonly invalidationIds: ReadonlySet<string>;
}

/** Reads each month's counters and the ids of every invalidation. */
export async function snapshot(faults: FaultStack, months: readonly string[]): Promise<Snapshot> {
  const counters: Record<string, MonthCounters> = {};
  for (const month of months) {
    const distributions: Record<string, Counters> = {};
    for (const id of DISTRIBUTIONS) distributions[id] = await faults.counters(month, LEDGER_KEYS.distributionSk(id));
    counters[month] = { total: await faults.counters(month, LEDGER_KEYS.totalSk), distributions };
  }
  return {
    months: counters,
    invalidationIds: new Set(faults.stack.emulator.invalidations().map((invalidation) => invalidation.id)),
  };
}

/** Samples each month's account total while faults run; `stop` returns the highest value seen per month. */
export function watchCap(faults: FaultStack, months: readonly string[]): { stop(): Promise<Record<string, number>> } {
  let running = true;
  const max: Record<string, number> = Object.fromEntries(months.map((month) => [month, 0]));
  const sample = async () => {
    for (const month of months) {
      max[month] = Math.max(max[month] ?? 0, (await faults.counters(month, LEDGER_KEYS.totalSk)).paths);
    }
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sample();
      return max;
    },
  };
}

/** Stale paths per distribution, each with the bucket key it serves. */
export interface Freshness {
  readonly checked: number;
  readonly stale: readonly { distributionId: string; path: string; bucket: string; key: string }[];
}

/** The serving rules of a distribution's edge, for the test's own URL builder. */
function viewerRouteOf(faults: FaultStack, distributionId: string): ViewerRoute {
  const route = faults.edgeRoute(distributionId);
  return {
    originKeyPrefix: route.originKeyPrefix,
    indexDocument: route.config.indexDocument,
    indexNoSlash: route.config.indexNoSlash,
  };
}

/** Requests every viewer URL of `ops` once at the distribution's edge, so it caches the current version. */
export async function warmViewerUrls(faults: FaultStack, distributionId: string, ops: readonly ObjectOp[]) {
  const route = viewerRouteOf(faults, distributionId);
  const bucket = faults.edgeRoute(distributionId).config.bucket;
  const paths = ops.filter((op) => op.bucket === bucket).flatMap((op) => viewerPathsOf(route, op.key));
  const edge = faults.stack.edges.get(distributionId)?.endpoint ?? '';
  await forEachParallel(paths, async (path) => {
    await (await fetch(`${edge}${path}`)).arrayBuffer();
  });
}

/**
 * Fetches every viewer URL of every changed object from the edges (URLs built by `aws-url.ts` from AWS's
 * rule, not by the service's encoder) and returns the stale ones: old content, or a deleted object still
 * served.
 */
export async function checkFreshness(faults: FaultStack, scenario: Scenario): Promise<Freshness> {
  const ops = [...changedOps(scenario), ...(scenario.twoDistributions?.waves.flat() ?? [])];
  const checks: { distributionId: string; path: string; op: ObjectOp }[] = [];
  for (const distributionId of DISTRIBUTIONS) {
    const route = viewerRouteOf(faults, distributionId);
    const served = new Set<string>();
    // Puts first: a path also served by a deleted key (a directory) must show the object that is there.
    for (const op of [...ops].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'put' ? -1 : 1))) {
      // Only keys the route invalidates: excluded and outside-origin-path keys are stale by design.
      const hits = routeChange(faults.table, op.bucket, op.key);
      if (!hits.some((hit) => hit.ok && hit.distributionId === distributionId)) continue;
      for (const path of viewerPathsOf(route, op.key)) {
        if (served.has(path)) continue;
        served.add(path);
        checks.push({ distributionId, path, op });
      }
    }
  }
  const stale: Freshness['stale'][number][] = [];
  await forEachParallel(checks, async ({ distributionId, path, op }) => {
    const response = await fetch(`${faults.stack.edges.get(distributionId)?.endpoint ?? ''}${path}`);
    const body = Buffer.from(await response.arrayBuffer());
    const fresh =
      op.kind === 'delete'
        ? response.status === 404
        : response.status === 200 && body.equals(Buffer.from(op.body ?? ''));
    if (!fresh) stale.push({ distributionId, path, bucket: op.bucket, key: op.key });
  });
  return { checked: checks.length, stale: stale.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

async function forEachParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
