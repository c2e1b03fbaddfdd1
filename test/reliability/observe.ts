import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_KEYS } from '../../shared/adapters/ledger-table.ts';
import { type CompiledRoute, routeChange, servedPathsForKey } from '../../shared/domain/routes.ts';
import { findStaleObjects } from '../../shared/local/demo/edge-check.ts';
import { changedOps } from './fault-actions.ts';
import type { Counters, FaultStack } from './fault-stack.ts';
import type { ObjectOp, Scenario } from './scenario.ts';
import { DISTRIBUTIONS } from './topology.ts';

/** Month counters and the ids of every invalidation, at one moment. */
export interface Snapshot {
  readonly total: Counters;
  readonly distributions: Readonly<Record<string, Counters>>;
  readonly invalidationIds: ReadonlySet<string>;
}

/** Reads the month's counters and the ids of every invalidation. */
export async function snapshot(faults: FaultStack, month: string): Promise<Snapshot> {
  const total = await faults.counters(month, LEDGER_KEYS.totalSk);
  const distributions: Record<string, Counters> = {};
  for (const id of DISTRIBUTIONS) distributions[id] = await faults.counters(month, LEDGER_KEYS.distributionSk(id));
  return {
    total,
    distributions,
    invalidationIds: new Set(faults.stack.emulator.invalidations().map((invalidation) => invalidation.id)),
  };
}

/** Keys (relative to the edge's origin path) the distribution serves among `ops`. */
export function servedKeys(faults: FaultStack, distributionId: string, ops: readonly ObjectOp[]): string[] {
  const route = faults.edgeRoute(distributionId);
  return ops
    .filter((op) => op.bucket === route.config.bucket && op.key.startsWith(route.originKeyPrefix))
    .map((op) => op.key.slice(route.originKeyPrefix.length));
}

/** Samples the month's account total while faults run; `stop` returns the highest value seen. */
export function watchCap(faults: FaultStack, month: string): { stop(): Promise<number> } {
  let running = true;
  let max = 0;
  const loop = (async () => {
    while (running) {
      max = Math.max(max, (await faults.counters(month, LEDGER_KEYS.totalSk)).paths);
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.max(max, (await faults.counters(month, LEDGER_KEYS.totalSk)).paths);
    },
  };
}

/** Stale paths per distribution, each with the bucket key it serves. */
export interface Freshness {
  readonly checked: number;
  readonly stale: readonly { distributionId: string; path: string; bucket: string; key: string }[];
}

/** Fetches every served path of every changed object from the edges; returns the stale ones. */
export async function checkFreshness(faults: FaultStack, scenario: Scenario): Promise<Freshness> {
  const ops = changedOps(scenario);
  let checked = 0;
  const stale: Freshness['stale'][number][] = [];
  for (const distributionId of DISTRIBUTIONS) {
    const route = faults.edgeRoute(distributionId);
    const edge = faults.stack.edges.get(distributionId)?.endpoint ?? '';
    const current = new Map<string, string>();
    const deleted: string[] = [];
    const keyOfRelative = new Map<string, string>();
    for (const op of ops) {
      // Only keys the route invalidates: excluded and outside-origin-path keys are stale by design.
      const hits = routeChange(faults.table, op.bucket, op.key);
      if (!hits.some((hit) => hit.ok && hit.distributionId === distributionId)) continue;
      const relative = op.key.slice(route.originKeyPrefix.length);
      keyOfRelative.set(relative, op.key);
      if (op.kind === 'put') current.set(relative, op.body ?? '');
      else deleted.push(relative);
    }
    const result = await findStaleObjects(edge, route, current, deleted);
    checked += result.checked;
    for (const entry of result.stale) {
      const relative = relativeKeyOf(entry.path, [...keyOfRelative.keys()], route);
      stale.push({
        distributionId,
        path: entry.path,
        bucket: route.config.bucket,
        key: keyOfRelative.get(relative ?? '') ?? '',
      });
    }
  }
  return { checked, stale };
}

function relativeKeyOf(path: string, keys: readonly string[], route: CompiledRoute): string | undefined {
  return keys.find((key) => servedPathsForKey(route, route.originKeyPrefix + key).includes(path));
}
