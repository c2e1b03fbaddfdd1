/**
 * Plan quality on the deploy corpus (DESIGN 6): for each deploy and path budget (k = 3, 8, 15,
 * unlimited; w = 15), paths and collateral of our planner with the inventory, without it (judged
 * with the inventory), one path per object, `/*`, and s3deploy's heuristic. Ours with the inventory
 * is checked against an independent exact solver (bench/reference-solver.ts) at every budget.
 * Then the same with new keys free (what `--previous-inventory` gives: created keys need no path and
 * are never collateral), at k = 3, 8, 15, 3,000 and unlimited, also checked against the solver.
 *
 * Run: npx tsx bench/corpus.ts [--dir DIR] [--details]
 */
import { pathToFileURL } from 'node:url';
import { runDryRun } from '../shared/cli/plan-model.ts';
import { createSortedInventory, type Plan, planInvalidation } from '../shared/domain/planner/index.ts';
import { createCatchAllRouteTable } from '../shared/domain/routes.ts';
import { type CorpusDeploy, DEFAULT_CORPUS_DIR, loadCorpus } from './deploy-corpus.ts';
import { type Judgement, judgePaths } from './judge-plan.ts';
import { type ReferenceOptimum, solveReference, solveReferenceUnlimited } from './reference-solver.ts';
import { normalizeLikeS3deploy } from './s3deploy-heuristic.ts';
import { formatTable } from './table-format.ts';

/** One deploy at one budget. */
export interface CorpusRow {
  deploy: string;
  maxPaths: number;
  changed: number;
  inventory: number;
  ours: Judgement;
  oursWithoutInventory: Judgement;
  perObject: Judgement;
  everything: Judgement;
  s3deploy: Judgement;
  reference: ReferenceOptimum | undefined;
  /** Ours matches the reference optimum (collateral, then paths, then wildcards). */
  optimal: boolean;
}

/** Totals of one method over the corpus at one budget. */
export interface CorpusTotals {
  maxPaths: number;
  optimal: number;
  deploys: number;
  paths: Record<Method, number>;
  collateral: Record<Method, number>;
  uncovered: Record<Method, number>;
}

type Method = 'ours' | 'oursWithoutInventory' | 'perObject' | 'everything' | 's3deploy';
const METHODS: readonly Method[] = ['ours', 'oursWithoutInventory', 'perObject', 'everything', 's3deploy'];
const BUDGETS = [3, 8, 15, Number.POSITIVE_INFINITY] as const;
const MAX_WILDCARDS = 15;

/** One deploy at one budget with new keys free: ours against the reference optimum. */
export interface FreeRow {
  deploy: string;
  maxPaths: number;
  ours: Judgement;
  reference: ReferenceOptimum | undefined;
  optimal: boolean;
}

/** Totals with new keys free at one budget. */
export interface FreeTotals {
  maxPaths: number;
  paths: number;
  collateral: number;
  optimal: number;
  deploys: number;
}

const FREE_BUDGETS = [3, 8, 15, 3000, Number.POSITIVE_INFINITY] as const;

/** What `runCorpusBench` measured. */
export interface CorpusBenchResult {
  rows: CorpusRow[];
  totals: CorpusTotals[];
  /** With new keys free (created keys need no path and are never collateral). */
  freeRows: FreeRow[];
  freeTotals: FreeTotals[];
  /** Total collateral at k = 8 without inventory: ours and s3deploy's (DESIGN: ours must not be worse). */
  atEight: { ours: number; s3deploy: number };
}

/**
 * Plans every deploy at every budget, checks optimality, prints the summary (and the per-deploy
 * tables with `details`) and returns the figures.
 */
export function runCorpusBench(options: { dir?: string; details?: boolean } = {}): CorpusBenchResult {
  const deploys = loadCorpus(options.dir ?? DEFAULT_CORPUS_DIR);
  const rows = deploys.flatMap((deploy) => BUDGETS.map((maxPaths) => measureDeploy(deploy, maxPaths)));
  const totals = BUDGETS.map((maxPaths) =>
    totalsOf(
      rows.filter((row) => row.maxPaths === maxPaths),
      maxPaths,
    ),
  );
  const eight = totals.find((total) => total.maxPaths === 8) as CorpusTotals;
  const freeRows = deploys.flatMap((deploy) => FREE_BUDGETS.map((maxPaths) => measureFree(deploy, maxPaths)));
  const freeTotals = FREE_BUDGETS.map((maxPaths) => {
    const at = freeRows.filter((row) => row.maxPaths === maxPaths);
    return {
      maxPaths,
      paths: at.reduce((sum, row) => sum + row.ours.paths, 0),
      collateral: at.reduce((sum, row) => sum + row.ours.collateral, 0),
      optimal: at.filter((row) => row.optimal).length,
      deploys: at.length,
    };
  });
  const result = {
    rows,
    totals,
    freeRows,
    freeTotals,
    atEight: { ours: eight.collateral.oursWithoutInventory, s3deploy: eight.collateral.s3deploy },
  };
  printCorpus(result, deploys.length, options.details === true);
  return result;
}

function measureDeploy(deploy: CorpusDeploy, maxPaths: number): CorpusRow {
  const { changed, inventory } = deploy;
  const judge = (paths: readonly string[]): Judgement => judgePaths(paths, changed, inventory);
  const pathsOf = (plan: Plan): string[] => plan.paths.map((path) => path.path);
  const withInventory = planInvalidation({
    changed,
    maxPaths,
    maxWildcards: MAX_WILDCARDS,
    inventory: createSortedInventory(inventory),
  });
  const ours = judge(pathsOf(withInventory));
  if (ours.collateral !== withInventory.collateral || ours.uncovered !== 0) {
    throw new Error(
      `${deploy.name} k=${maxPaths}: plan reports collateral ${withInventory.collateral}, judged ${ours.collateral}`,
    );
  }
  const reference = Number.isFinite(maxPaths)
    ? solveReference(changed, inventory, maxPaths, MAX_WILDCARDS)
    : solveReferenceUnlimited(changed, inventory, MAX_WILDCARDS);
  return {
    deploy: deploy.name,
    maxPaths,
    changed: changed.length,
    inventory: inventory.length,
    ours,
    oursWithoutInventory: judge(pathsOf(planInvalidation({ changed, maxPaths, maxWildcards: MAX_WILDCARDS }))),
    perObject: judge(changed),
    everything: judge(['/*']),
    s3deploy: judge(normalizeLikeS3deploy(deploy.changedObjects, maxPaths)),
    reference,
    optimal:
      reference !== undefined &&
      reference.collateral === ours.collateral &&
      reference.paths === ours.paths &&
      reference.wildcards === ours.wildcards,
  };
}

/**
 * Ours with new keys free, judged with the inventory (free paths never collateral, need no cover),
 * against the reference. At k = 3,000 the reference is the unlimited optimum when it fits in 3,000
 * paths (then nothing beats it); otherwise that budget is left unchecked (not counted as optimal).
 */
function measureFree(deploy: CorpusDeploy, maxPaths: number): FreeRow {
  const { must, free, inventory } = deploy;
  const plan = planInvalidation({
    changed: must,
    free,
    maxPaths,
    maxWildcards: MAX_WILDCARDS,
    inventory: createSortedInventory(inventory),
  });
  const ours = judgePaths(
    plan.paths.map((path) => path.path),
    must,
    inventory,
    free,
  );
  if (ours.collateral !== plan.collateral || ours.uncovered !== 0) {
    throw new Error(
      `${deploy.name} k=${maxPaths}, new keys free: plan reports ${plan.collateral}, judged ${ours.collateral}`,
    );
  }
  // What `invalidator plan --changed --inventory --previous-inventory` does with the raw key lists.
  const cli = planWithPreviousListing(deploy, maxPaths);
  if (cli.join('\n') !== plan.paths.map((path) => path.path).join('\n')) {
    throw new Error(`${deploy.name} k=${maxPaths}: invalidator plan --previous-inventory plans differently`);
  }
  let reference: ReferenceOptimum | undefined;
  if (maxPaths <= 15) reference = solveReference(must, inventory, maxPaths, MAX_WILDCARDS, free);
  else {
    const unlimited = solveReferenceUnlimited(must, inventory, MAX_WILDCARDS, free);
    if (unlimited.paths <= maxPaths) reference = unlimited;
  }
  const optimal =
    reference !== undefined &&
    reference.collateral === ours.collateral &&
    reference.paths === ours.paths &&
    reference.wildcards === ours.wildcards;
  return { deploy: deploy.name, maxPaths, ours, reference, optimal };
}

function planWithPreviousListing(deploy: CorpusDeploy, maxPaths: number): string[] {
  const { keys } = deploy;
  const dryRun = runDryRun({
    table: createCatchAllRouteTable('-', 'index.html'),
    objects: keys.changed.map((key) => ({ bucket: undefined, key })),
    skipped: [],
    inventory: new TextEncoder().encode(`${keys.after.join('\n')}\n`),
    previousKeys: new Set(keys.before),
    maxPaths: Number.isFinite(maxPaths) ? maxPaths : keys.changed.length + 2,
    maxWildcards: MAX_WILDCARDS,
  });
  return dryRun.plans.flatMap((entry) => entry.plan.paths.map((path) => path.path));
}

function totalsOf(rows: readonly CorpusRow[], maxPaths: number): CorpusTotals {
  const sum = (pick: (judgement: Judgement) => number) =>
    Object.fromEntries(
      METHODS.map((method) => [method, rows.reduce((total, row) => total + pick(row[method]), 0)]),
    ) as Record<Method, number>;
  return {
    maxPaths,
    optimal: rows.filter((row) => row.optimal).length,
    deploys: rows.length,
    paths: sum((judgement) => judgement.paths),
    collateral: sum((judgement) => judgement.collateral),
    uncovered: sum((judgement) => judgement.uncovered),
  };
}

function budgetName(maxPaths: number): string {
  return Number.isFinite(maxPaths) ? `k=${maxPaths}` : 'k=unlimited';
}

function printCorpus(result: CorpusBenchResult, deploys: number, details: boolean): void {
  const cell = (judgement: Judgement) =>
    `${judgement.paths} / ${judgement.collateral}${judgement.uncovered > 0 ? ` (${judgement.uncovered} missed)` : ''}`;
  if (details) {
    for (const maxPaths of BUDGETS) {
      console.log(`\nDeploy corpus, ${budgetName(maxPaths)}, w=${MAX_WILDCARDS}: paths / collateral\n`);
      const rows = result.rows.filter((row) => row.maxPaths === maxPaths);
      console.log(
        formatTable(
          ['deploy', 'changed', 'ours', 'ours, no inventory', 'one per object', '/*', 's3deploy', 'optimal'],
          rows.map((row) => [
            row.deploy,
            String(row.changed),
            cell(row.ours),
            cell(row.oursWithoutInventory),
            cell(row.perObject),
            cell(row.everything),
            cell(row.s3deploy),
            row.optimal ? 'yes' : 'NO',
          ]),
        ),
      );
    }
  }
  console.log(
    `\nDeploy corpus: ${deploys} deploys, w=${MAX_WILDCARDS}; totals of paths / collateral (missed changed paths)\n`,
  );
  console.log(
    formatTable(
      ['budget', 'ours (with inventory)', 'optimal', 'ours, no inventory', 'one per object', '/*', 's3deploy'],
      result.totals.map((total) => [
        budgetName(total.maxPaths),
        `${total.paths.ours} / ${total.collateral.ours}`,
        `${total.optimal}/${total.deploys}`,
        `${total.paths.oursWithoutInventory} / ${total.collateral.oursWithoutInventory}`,
        `${total.paths.perObject} / ${total.collateral.perObject}`,
        `${total.paths.everything} / ${total.collateral.everything}`,
        `${total.paths.s3deploy} / ${total.collateral.s3deploy} (${total.uncovered.s3deploy})`,
      ]),
    ),
  );
  const todayAt = (maxPaths: number) => result.totals.find((total) => total.maxPaths === maxPaths);
  console.log(
    `\nNew keys free (created keys need no path, never collateral): ${result.freeRows.filter((row) => row.maxPaths === 3).length} deploys, w=${MAX_WILDCARDS}; paths / collateral\n`,
  );
  console.log(
    formatTable(
      ['budget', 'every change covered (today)', 'new keys free', 'optimal'],
      result.freeTotals.map((total) => {
        const today = todayAt(total.maxPaths);
        return [
          budgetName(total.maxPaths),
          today === undefined ? '-' : `${today.paths.ours} / ${today.collateral.ours}`,
          `${total.paths} / ${total.collateral}`,
          `${total.optimal}/${total.deploys}`,
        ];
      }),
    ),
  );
  if (details) {
    for (const row of result.freeRows) {
      if (!row.optimal) console.log(`not checked or not optimal: ${row.deploy} ${budgetName(row.maxPaths)}`);
    }
  }
  const { ours, s3deploy } = result.atEight;
  console.log(
    `\nAt k=8 without inventory: ours ${ours} collateral, s3deploy ${s3deploy}: ${ours <= s3deploy ? 'ours is no worse' : 'OURS IS WORSE'}.`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--dir');
  runCorpusBench({
    ...(at === -1 ? {} : { dir: process.argv[at + 1] as string }),
    details: process.argv.includes('--details'),
  });
}
