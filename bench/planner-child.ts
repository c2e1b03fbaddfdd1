/**
 * One measured run of the planner speed benchmark, in its own process so peak memory is its own.
 * `baseline`: read the three files and split them into lines. `plan`: read and split the changed and
 * new keys, map them to paths (new ones free), read the inventory file's bytes into
 * `createKeyFileInventory` (what `invalidator plan --inventory` does) and plan. `plan-all-must`: the
 * same with the new keys planned as changed (none free). `plan-keys`: read and split both files, then
 * `createKeyInventory` over the key strings. `plan-paths`: the same with every inventory key mapped
 * to its path and `createSortedInventory`. Prints one JSON line: wall and CPU time of the work (CPU
 * counts every thread, GC helpers included) and peak RSS.
 *
 * Usage: tsx bench/planner-child.ts baseline|plan|plan-all-must|plan-keys|plan-paths INVENTORY CHANGED NEW [maxPaths maxWildcards]
 */
import { readFileSync } from 'node:fs';
import { toCloudFrontPath } from '../shared/domain/paths.ts';
import {
  createKeyFileInventory,
  createKeyInventory,
  createSortedInventory,
  type Inventory,
  planInvalidation,
} from '../shared/domain/planner/index.ts';

const [mode, inventoryFile, changedFile, newFile, maxPaths = '1000', maxWildcards = '15'] = process.argv.slice(2);
if (inventoryFile === undefined || changedFile === undefined || newFile === undefined) {
  throw new Error('usage: MODE INVENTORY CHANGED NEW [k w]');
}

const started = performance.now();
const cpuStarted = process.cpuUsage();
let summary: Record<string, number | null>;
if (mode === 'baseline') {
  const keys = readLines(inventoryFile);
  const changedKeys = readLines(changedFile);
  const newKeys = readLines(newFile);
  summary = { keys: keys.length, changed: changedKeys.length, created: newKeys.length };
} else {
  const changed = readLines(changedFile).map(toCloudFrontPath);
  const free = readLines(newFile).map(toCloudFrontPath);
  const allMust = mode === 'plan-all-must';
  const plan = planInvalidation({
    changed: allMust ? [...changed, ...free] : changed,
    free: allMust ? [] : free,
    maxPaths: Number(maxPaths),
    maxWildcards: Number(maxWildcards),
    inventory: readInventory(mode as string, inventoryFile),
  });
  summary = { paths: plan.paths.length, wildcards: plan.wildcardPaths, collateral: plan.collateral };
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ mode, ms, cpuMs, maxRssKb: process.resourceUsage().maxRSS, ...summary })}\n`);

function readInventory(how: string, file: string): Inventory {
  if (how === 'plan' || how === 'plan-all-must') return createKeyFileInventory(readFileSync(file));
  const keys = readLines(file);
  return how === 'plan-keys' ? createKeyInventory(keys) : createSortedInventory(keys.map(toCloudFrontPath));
}

function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
