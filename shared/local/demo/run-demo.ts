import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudFrontReconciler } from '../../adapters/cloudfront-reconciler.ts';
import { DynamoLedger } from '../../adapters/dynamodb-ledger.ts';
import { DynamoReportReader } from '../../adapters/dynamodb-report-reader.ts';
import { monthBounds, monthKeyOf } from '../../domain/month.ts';
import {
  costOfPaths,
  FREE_PATHS_PER_MONTH,
  formatUsd,
  monthCostUsd,
  PRICE_PER_PATH_USD,
} from '../../domain/pricing.ts';
import { formatCount, formatPlural } from '../../domain/report/format-values.ts';
import { buildMonthlyReport, type MonthSavings, renderReport } from '../../domain/report/index.ts';
import { compileRoutes } from '../../domain/routes.ts';
import type { LocalStack } from '../stack.ts';
import { findStaleObjects, warmEdge } from './edge-check.ts';
import { generateSite } from './site.ts';
import { readFolder, syncBucket } from './sync.ts';

/** This month's cost report from the local ledger, reconciled with the CloudFront emulator. */
async function renderMonthReport(stack: LocalStack): Promise<{ text: string; savings: MonthSavings['totals'] }> {
  const now = Date.now();
  const month = monthKeyOf(now);
  const documents = DynamoDBDocumentClient.from(stack.clients.dynamo);
  const partition = await new DynamoReportReader(documents, { tableName: stack.tableName }).readMonth(month);
  const reconciliation = await new CloudFrontReconciler(stack.clients.cloudFront).listMonth(monthBounds(month), {
    distributionIds: [...stack.edges.keys()],
    ledger: partition.ledger,
  });
  const report = buildMonthlyReport({
    month,
    now,
    ...partition,
    reconciliation: { kind: 'done', ...reconciliation },
    monthlyPathBudget: stack.config.monthlyPathBudget,
    labels: { stage: stack.settings.stage, tableName: stack.tableName },
  });
  return { text: renderReport(report, 'table').trimEnd(), savings: report.savings.totals };
}

/**
 * What planning saved against one path per changed object, in paths and in money: inside the
 * account's free tier the money is nil either way (the saved paths stay free for later this month);
 * beyond it every saved path is $0.005. Lines of the demo's story.
 */
export function describeSavings(changedObjects: number, paths: number, monthPathsBefore: number): string[] {
  const saved = changedObjects - paths;
  if (saved <= 0) {
    return [
      `  -> no paths saved: ${formatPlural(paths, 'path')} for ${formatPlural(changedObjects, 'changed object')} (index documents add paths)`,
    ];
  }
  const head = `  -> saved ${formatPlural(saved, 'path')} against one path per changed object (${formatCount(changedObjects)} -> ${formatCount(paths)}):`;
  const avoided = costOfPaths(monthPathsBefore, changedObjects) - costOfPaths(monthPathsBefore, paths);
  const beyond = formatUsd(saved * PRICE_PER_PATH_USD);
  if (avoided > 0)
    return [head, `     ${formatUsd(avoided)} avoided at ${formatUsd(PRICE_PER_PATH_USD)}/path beyond the free tier`];
  return [
    head,
    `     $0.00 now (${formatCount(monthPathsBefore + paths)} of the month's ${formatCount(FREE_PATHS_PER_MONTH)} free paths used); ${beyond} beyond the free tier`,
  ];
}

/** The demo's outcome; `npm start -- --json` prints it as the last line. */
export interface DemoResult {
  readonly uploaded: number;
  readonly deleted: number;
  readonly invalidations: number;
  readonly paths: number;
  readonly staleObjects: number;
  readonly freshAfterSeconds: number;
  readonly monthPaths: number;
  readonly costUsd: number;
  /** The month's savings counters (docs/report.md): changed keys that were new, the new-key paths left uncovered. */
  readonly newKeys: number;
  readonly newKeyPathsAvoided: number;
  /** The month's S3 LIST requests (inventories and new-key evidence), and the paths the inventory saved. */
  readonly listRequests: number;
  readonly inventoryPathsSaved: number;
}

/** Where the demo writes: the story, and a progress line that overwrites itself. */
export interface DemoOutput {
  line(text: string): void;
  progress(text: string): void;
}

const FRESH_DEADLINE_MS = 90_000;

/**
 * Deploys version 1, warms the edge, deploys version 2 the way `aws s3 sync --delete` does, waits for
 * the pipeline, checks every object at the edge and tells what happened.
 *
 * @param options.dir - deploy this folder as version 2 (over `from`, or an empty bucket) instead of the built-in site
 */
export async function runDemo(
  stack: LocalStack,
  output: DemoOutput,
  options: { dir?: string; from?: string } = {},
): Promise<DemoResult> {
  const route = compileRoutes(stack.settings.routes).routes[0];
  const edge = route === undefined ? undefined : stack.edges.get(route.distributionId);
  if (route === undefined || edge === undefined) throw new Error('the local stage has no route');
  const bucket = route.config.bucket;
  const version1 =
    options.dir === undefined
      ? generateSite(1)
      : options.from === undefined
        ? new Map()
        : await readFolder(options.from);
  const version2 = options.dir === undefined ? generateSite(2) : await readFolder(options.dir);

  output.line(`Version 1: uploading ${version1.size} objects to s3://${bucket} ...`);
  await syncBucket(stack.clients.s3, bucket, version1, {
    onProgress: (done, total) => output.progress(`  uploaded ${done}/${total}`),
  });
  output.progress('  waiting for the pipeline ...');
  await stack.waitForIdle();
  const warmed = await warmEdge(edge.endpoint, route, version1.keys());
  output.line(`  edge warmed: ${warmed} paths cached at ${edge.endpoint}`);

  const before = stack.emulator.invalidations().length;
  output.line(
    `Version 2: syncing ${version2.size} objects (changed, added and deleted files, 10 uploads at a time) ...`,
  );
  const sync = await syncBucket(stack.clients.s3, bucket, version2, {
    onProgress: (done, total) => output.progress(`  synced ${done}/${total}`),
  });
  const uploadedAt = Date.now();
  const staleRightAfter = await findStaleObjects(edge.endpoint, route, version2, sync.deleted);
  const changedBefore = sync.uploaded.filter((key) => version1.has(key)).length;
  output.line(
    `  ${sync.uploaded.length} uploaded (${changedBefore} changed, ${sync.uploaded.length - changedBefore} new), ${sync.deleted.length} deleted; when the sync ended the edge still served`,
  );
  output.line(
    `  ${formatCount(staleRightAfter.stale.length)} of ${formatCount(staleRightAfter.checked)} paths stale (the pipeline invalidates while the sync runs; new keys were never cached)`,
  );
  let freshAfterSeconds = Number.NaN;
  while (Date.now() - uploadedAt < FRESH_DEADLINE_MS) {
    output.progress(`  waiting for the edge to turn fresh ... ${((Date.now() - uploadedAt) / 1000).toFixed(1)} s`);
    const check = await findStaleObjects(edge.endpoint, route, version2, sync.deleted);
    if (check.stale.length === 0) {
      freshAfterSeconds = Math.round((Date.now() - uploadedAt) / 100) / 10;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stack.waitForIdle();
  const final = await findStaleObjects(edge.endpoint, route, version2, sync.deleted);
  const issued = stack.emulator.invalidations().slice(before);
  const paths = issued.flatMap((invalidation) => [...invalidation.paths]);
  const changedObjects = sync.uploaded.length + sync.deleted.length;
  const ledger = new DynamoLedger(DynamoDBDocumentClient.from(stack.clients.dynamo), {
    tableName: stack.tableName,
    retentionDays: 1,
  });
  const month = await ledger.usage(monthKeyOf(Date.now()));

  output.line(
    `  -> ${formatPlural(issued.length, 'invalidation')}, ${formatPlural(paths.length, 'path')} for ${formatPlural(changedObjects, 'changed object')}:`,
  );
  for (const path of paths.slice(0, 12)) output.line(`       ${path}`);
  if (paths.length > 12) output.line(`       ... and ${paths.length - 12} more`);
  for (const line of describeSavings(changedObjects, paths.length, month.paths - paths.length)) output.line(line);
  output.line(
    Number.isNaN(freshAfterSeconds)
      ? `  -> edge NOT fresh after ${FRESH_DEADLINE_MS / 1000} s: ${final.stale.length} stale paths`
      : `  -> edge fresh after ${freshAfterSeconds} s: ${final.stale.length} stale of ${final.checked} paths checked`,
  );
  const costUsd = monthCostUsd(month.paths);
  output.line(
    `This month: ${formatPlural(month.invalidations, 'invalidation')}, ${formatPlural(month.paths, 'path')} of ${formatCount(FREE_PATHS_PER_MONTH)} free, cost ${formatUsd(costUsd)}`,
  );
  output.line('');
  const report = await renderMonthReport(stack);
  output.line(report.text);
  return {
    uploaded: sync.uploaded.length,
    deleted: sync.deleted.length,
    invalidations: issued.length,
    paths: paths.length,
    staleObjects: final.stale.length,
    freshAfterSeconds: Number.isNaN(freshAfterSeconds) ? -1 : freshAfterSeconds,
    monthPaths: month.paths,
    costUsd,
    newKeys: report.savings.newKeys,
    newKeyPathsAvoided: report.savings.newKeyPathsAvoided,
    listRequests: report.savings.listRequests,
    inventoryPathsSaved: report.savings.inventoryPathsSaved,
  };
}
