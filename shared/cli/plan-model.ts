import type { ParsedBatch } from '../domain/events.ts';
import {
  createKeyFileInventory,
  createSortedInventory,
  type Inventory,
  type Plan,
  type PlanSavings,
  planInvalidation,
  savingsOf,
} from '../domain/planner/index.ts';
import { type CompiledRoute, type RouteTable, routeChange, SKIP_REASON, servedPathsForKey } from '../domain/routes.ts';

/** A key or message that produced no invalidation path, and why. */
export type SkippedEntry =
  | { readonly key: string; readonly reason: string }
  | { readonly messageId: string; readonly reason: string };

/** A changed object; `bucket` is unknown for keys read from a `--changed` file. */
export interface ChangedObject {
  readonly bucket: string | undefined;
  readonly key: string;
}

/** The plan of one distribution, with the number of changed objects behind it. */
export interface DistributionPlan {
  readonly distributionId: string;
  readonly plan: Plan;
  /** Changed objects routed to this distribution: the paths "one path per object" would issue. */
  readonly objects: number;
  /** Of those, the objects that were new (absent from the previous listing): free. */
  readonly newObjects: number;
  /** What the new keys and the inventory saved, against the same budget without them. */
  readonly savings: PlanSavings;
}

/** What the collector would do with the input: one plan per distribution, plus what it skips. */
export interface DryRun {
  readonly plans: readonly DistributionPlan[];
  readonly skipped: readonly SkippedEntry[];
}

/** Everything a dry run needs. */
export interface DryRunInput {
  readonly table: RouteTable;
  readonly objects: readonly ChangedObject[];
  /** Skips found before routing (bad messages, test events). */
  readonly skipped: readonly SkippedEntry[];
  /** An S3 listing, one key per line as UTF-8 bytes, when an inventory was given. */
  readonly inventory: Uint8Array | undefined;
  /**
   * The keys listed before the deploy, when known: a changed key absent from them is new (and, with
   * an inventory, present in it: a key created and deleted again may have been fetched in between).
   */
  readonly previousKeys: ReadonlySet<string> | undefined;
  readonly maxPaths: number;
  readonly maxWildcards: number;
}

interface Group {
  readonly paths: Set<string>;
  readonly free: Set<string>;
  readonly objects: Set<string>;
  readonly newObjects: Set<string>;
}

/**
 * Turns the collector's parse result into dry-run input: changes become objects, problems and test
 * events become skips.
 *
 * @param batch - from `parseSqsRecords` or `parseEventMessage`
 */
export function objectsOfBatch(batch: ParsedBatch): { objects: ChangedObject[]; skipped: SkippedEntry[] } {
  const objects = batch.changes.map((change) => ({ bucket: change.bucket, key: change.key }));
  const skipped: SkippedEntry[] = batch.problems.map((problem) => ({
    messageId: problem.messageId,
    reason: problem.reason,
  }));
  for (const messageId of batch.testEvents) skipped.push({ messageId, reason: 's3:TestEvent (acknowledged silently)' });
  return { objects, skipped };
}

/**
 * Routes every changed object and plans each distribution, as the collector would (without the ledger).
 *
 * @param input - routes, changed objects, optional inventory keys and the path budget
 * @throws PlanBudgetError when the budget cannot cover the changes (e.g. no wildcards allowed)
 */
export function runDryRun(input: DryRunInput): DryRun {
  const { table } = input;
  const groups = new Map<string, Group>();
  const skipped: SkippedEntry[] = [...input.skipped];
  const anyBucket = [...table.byBucket.keys()];
  if (anyBucket.length === 0) anyBucket.push('');
  const isNew = newKeyTest(input);
  for (const object of input.objects) {
    const buckets = object.bucket === undefined ? anyBucket : [object.bucket];
    routeObject(table, buckets, object, isNew(object.key), groups, skipped);
  }
  const plans: DistributionPlan[] = [];
  for (const distributionId of [...groups.keys()].sort()) {
    const group = groups.get(distributionId) as Group;
    const inventory =
      input.inventory === undefined ? undefined : inventoryOf(routesOf(table, distributionId), input.inventory);
    const free = [...group.free].sort();
    const plan = planInvalidation({
      changed: [...group.paths].sort(),
      free,
      maxPaths: input.maxPaths,
      maxWildcards: input.maxWildcards,
      ...(inventory === undefined ? {} : { inventory }),
    });
    const savings = savingsOf(plan, { free, maxPaths: input.maxPaths, inventory: inventory !== undefined });
    plans.push({ distributionId, plan, objects: group.objects.size, newObjects: group.newObjects.size, savings });
  }
  return { plans, skipped };
}

/** Which changed keys are new: none without a previous listing. */
function newKeyTest(input: DryRunInput): (key: string) => boolean {
  const previous = input.previousKeys;
  if (previous === undefined) return () => false;
  if (input.inventory === undefined) return (key) => !previous.has(key);
  const current = new Set(keyLines(new TextDecoder().decode(input.inventory)));
  return (key) => !previous.has(key) && current.has(key);
}

function routeObject(
  table: RouteTable,
  buckets: readonly string[],
  object: ChangedObject,
  isNew: boolean,
  groups: Map<string, Group>,
  skipped: SkippedEntry[],
): void {
  const reasons = new Set<string>();
  let routed = false;
  for (const bucket of buckets) {
    for (const hit of routeChange(table, bucket, object.key)) {
      if (!hit.ok) {
        reasons.add(hit.reason);
        continue;
      }
      routed = true;
      let group = groups.get(hit.distributionId);
      if (group === undefined) {
        group = { paths: new Set(), free: new Set(), objects: new Set(), newObjects: new Set() };
        groups.set(hit.distributionId, group);
      }
      const id = `${object.bucket ?? ''}\n${object.key}`;
      for (const path of hit.servedPaths) (isNew ? group.free : group.paths).add(path);
      group.objects.add(id);
      if (isNew) group.newObjects.add(id);
    }
  }
  // "no-route" only matters when nothing else was said about the key.
  if (routed || reasons.size > 1) reasons.delete(SKIP_REASON.noRoute);
  for (const reason of reasons) skipped.push({ key: object.key, reason });
}

function routesOf(table: RouteTable, distributionId: string): CompiledRoute[] {
  return table.routes.filter((route) => route.distributionId === distributionId);
}

/**
 * What a distribution serves, from the key list. One route at the bucket's root (the usual case and
 * the default without --config) reads the listing's bytes directly (`createKeyFileInventory`, no
 * string per key); other shapes (an origin path, several routes) map every key through its routes.
 */
function inventoryOf(routes: readonly CompiledRoute[], listing: Uint8Array): Inventory {
  const only = routes[0];
  if (routes.length === 1 && only !== undefined && only.originKeyPrefix === '') {
    return createKeyFileInventory(listing, only.config);
  }
  const paths = new Set<string>();
  for (const key of keyLines(new TextDecoder().decode(listing))) {
    for (const route of routes) {
      for (const path of servedPathsForKey(route, key)) paths.add(path);
    }
  }
  return createSortedInventory([...paths].sort());
}

/** Lines of a key list: one key per line, `\r\n` tolerated, empty lines skipped, no other trimming. */
export function keyLines(text: string): string[] {
  const keys: string[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const line of body.split('\n')) {
    const key = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (key !== '') keys.push(key);
  }
  return keys;
}
