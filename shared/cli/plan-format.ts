import type { PlannedPath, PlanSavings } from '../domain/planner/index.ts';
import { costOfPaths, FREE_PATHS_PER_MONTH, formatUsd, PRICE_PER_PATH_USD } from '../domain/pricing.ts';
import type { DryRun, SkippedEntry } from './plan-model.ts';

/** The `--json` output of `invalidator plan`. */
export interface PlanJson {
  readonly plans: readonly {
    readonly distributionId: string;
    readonly paths: readonly string[];
    readonly exactPaths: number;
    readonly wildcardPaths: number;
    readonly changed: number;
    /** Changed keys that were new (absent from --previous-inventory). */
    readonly newKeys: number;
    /** Their paths, left without a path of their own (never collateral). */
    readonly free: number;
    readonly collateral: number | null;
    /** New keys' paths no path of the plan matches: what covering them would have added (docs/report.md). */
    readonly newKeyPathsAvoided: number;
    /** min(changed, --max-paths) minus the paths: what the inventory saved (null without --inventory). */
    readonly inventoryPathsSaved: number | null;
  }[];
  readonly skipped: readonly SkippedEntry[];
}

/** Exact paths listed per distribution in the table before the rest are summed up. */
const MAX_EXACT_ROWS = 20;

/**
 * The machine-readable form of a dry run.
 *
 * @param dryRun - from `runDryRun`
 */
export function toPlanJson(dryRun: DryRun): PlanJson {
  return {
    plans: dryRun.plans.map(({ distributionId, plan, newObjects, savings }) => ({
      distributionId,
      paths: plan.paths.map((planned) => planned.path),
      exactPaths: plan.exactPaths,
      wildcardPaths: plan.wildcardPaths,
      changed: plan.changed,
      newKeys: newObjects,
      free: plan.free,
      collateral: plan.collateral,
      newKeyPathsAvoided: savings.newKeyPathsAvoided,
      inventoryPathsSaved: savings.inventoryPathsSaved,
    })),
    skipped: dryRun.skipped,
  };
}

/** Why a plan without an inventory keeps exact paths, and how to get a cheaper one. */
export const NO_INVENTORY_NOTE = [
  'No --inventory: the planner cannot see which unchanged objects a wildcard would also evict, so it',
  'keeps exact paths and merges only to fit --max-paths. Give it the bucket listing to merge folders',
  'whose served objects changed, with the collateral counted:',
  "  aws s3api list-objects-v2 --bucket BUCKET --query 'Contents[].[Key]' --output text > all-keys.txt",
  '  invalidator plan --changed keys.txt --inventory all-keys.txt',
].join('\n');

/**
 * The readable form of a dry run: per distribution a table of paths (what each covers and evicts for
 * nothing), the skipped input, and what the plan saves against one path per changed object.
 *
 * @param dryRun - from `runDryRun`
 */
export function formatPlanText(dryRun: DryRun): string {
  const lines: string[] = [];
  if (dryRun.plans.length === 0) lines.push('Nothing to invalidate.');
  for (const { distributionId, plan, objects, newObjects, savings } of dryRun.plans) {
    const collateral = plan.collateral === null ? 'unknown (no --inventory)' : count(plan.collateral, 'path');
    const fresh =
      newObjects === 0
        ? ''
        : `; ${newObjects.toLocaleString('en-US')} new (free: ${count(plan.free, 'path')} need no invalidation)`;
    lines.push(
      `Distribution ${distributionId}: ${count(objects, 'changed object')}${fresh}, ${count(plan.changed, 'changed path')} to cover`,
      `  ${count(plan.paths.length, 'invalidation path')} (${plan.exactPaths} exact, ${count(plan.wildcardPaths, 'wildcard')}); collateral ${collateral}`,
      '',
      ...formatTable(plan.paths),
      '',
      ...formatPlanSavings(newObjects, savings),
    );
  }
  if (dryRun.skipped.length > 0) {
    lines.push(`Skipped (${dryRun.skipped.length}):`);
    for (const entry of dryRun.skipped) {
      lines.push(
        'key' in entry ? `  key ${entry.key}: ${entry.reason}` : `  message ${entry.messageId}: ${entry.reason}`,
      );
    }
    lines.push('');
  }
  if (dryRun.plans.some(({ plan }) => plan.collateral === null)) lines.push(NO_INVENTORY_NOTE, '');
  lines.push(formatSavings(dryRun));
  return `${lines.join('\n')}\n`;
}

function formatTable(paths: readonly PlannedPath[]): string[] {
  const wildcards = paths.filter((planned) => planned.wildcard);
  const exact = paths.filter((planned) => !planned.wildcard);
  const shown = [...wildcards, ...exact.slice(0, MAX_EXACT_ROWS)];
  const width = Math.min(80, Math.max(4, ...shown.map((planned) => planned.path.length)));
  const rows = [
    `  ${'PATH'.padEnd(width)}  ${'TYPE'.padEnd(8)}  ${'COVERS'.padStart(7)}  ${'COLLATERAL'.padStart(10)}`,
  ];
  for (const planned of shown) {
    const collateral = planned.collateral === null ? '-' : String(planned.collateral);
    rows.push(
      `  ${planned.path.padEnd(width)}  ${(planned.wildcard ? 'wildcard' : 'exact').padEnd(8)}  ${String(planned.covers).padStart(7)}  ${collateral.padStart(10)}`,
    );
  }
  if (exact.length > MAX_EXACT_ROWS)
    rows.push(`  … and ${exact.length - MAX_EXACT_ROWS} more exact paths (--json lists all)`);
  return rows;
}

/** What new keys and the inventory saved this plan, when it had them. */
function formatPlanSavings(newObjects: number, savings: PlanSavings): string[] {
  const lines: string[] = [];
  if (newObjects > 0) {
    lines.push(
      `  Paths avoided: new keys: ${savings.newKeyPathsAvoided.toLocaleString('en-US')} (new-key paths left uncovered)`,
    );
  }
  if (savings.inventoryPathsSaved !== null) {
    lines.push(`  Paths saved by the inventory: ${savings.inventoryPathsSaved.toLocaleString('en-US')}`);
  }
  return lines.length === 0 ? [] : [...lines, ''];
}

function formatSavings(dryRun: DryRun): string {
  let planned = 0;
  let naive = 0;
  for (const { plan, objects } of dryRun.plans) {
    planned += plan.paths.length;
    naive += objects;
  }
  const assumption = `at ${formatUsd(PRICE_PER_PATH_USD)}/path beyond the free tier, assuming this month's ${FREE_PATHS_PER_MONTH.toLocaleString('en-US')} free paths are used up`;
  if (naive <= planned) {
    return `Savings: none; ${count(planned, 'path')} for ${count(naive, 'changed object')} (index documents add paths; wildcards pay off on larger changes).`;
  }
  const saved = naive - planned;
  const dollars = costOfPaths(FREE_PATHS_PER_MONTH, saved);
  return `Savings: ${count(planned, 'path')} instead of ${naive.toLocaleString('en-US')} (one path per changed object): ${count(saved, 'path')} fewer, ${formatUsd(dollars)} ${assumption}.`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
