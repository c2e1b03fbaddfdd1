import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SERVERLESS_FILE } from '../shared/deploy/stage-params.ts';
import { type CompiledRoute, compileRoutes } from '../shared/domain/routes.ts';
import { isWildcardPath } from '../shared/local/cloudfront-emulator/index.ts';
import { findStaleObjects, warmEdge } from '../shared/local/demo/edge-check.ts';
import { syncBucket } from '../shared/local/demo/sync.ts';
import { type LocalStack, type LocalStageSettings, startLocalStack } from '../shared/local/stack.ts';
import { readLocalStageSettings } from '../shared/local/stage-settings.ts';
import { generateDeploy } from './e2e-site.ts';
import { formatTable } from './table-format.ts';

const BUCKET = 'bench-site';
const DISTRIBUTION = 'E1BENCH0000000';
/** The emulator completes an invalidation this long after it was created (CloudFront: about a minute). */
const COMPLETION_DELAY_MS = 1000;
/** Uploads at a time while seeding version 1 (the measured deploy syncs 16 at a time). */
const SEED_CONCURRENCY = 32;

/** What one deploy through the local stack gave. */
export interface DeployFigures {
  readonly uploaded: number;
  readonly deleted: number;
  readonly syncSeconds: number;
  readonly objectsPerSecond: number;
  readonly batches: number;
  readonly records: number;
  readonly failedRecords: number;
  readonly invalidations: number;
  readonly paths: number;
  readonly wildcards: number;
  /** From the end of the sync (last upload and delete) until every invalidation completed. */
  readonly freshSeconds: number;
  readonly checked: number;
  readonly stale: number;
  /** Collector time over all batches (handler start to response). */
  readonly collectorMs: number;
  readonly largestBatch: { readonly records: number; readonly ms: number };
}

/**
 * The 100,000-object deploy (DESIGN 6): the local stack (fauxqs S3 + SQS, notification bridge, event
 * source mapping with the deployed default batch size and window, the real collector, DynamoDB Local,
 * the CloudFront emulator, a caching edge). Version 1 of a generated site is seeded (no notifications)
 * and cached at the edge; version 2 (`changes` objects: pages edited, added, removed; assets re-hashed; deletes) is synced
 * like `aws s3 sync --delete`, then every served path is fetched from the edge and compared with the
 * bucket. Prints the deploy's figures.
 */
export async function runEndToEndBench(changes = 100_000, log: (line: string) => void = console.log) {
  const deploy = generateDeploy(changes);
  // The deployed defaults of serverless.yml for batching (10,000 records, 60 s window, 60 s timeout),
  // the local stage's short backoff: a deploy gathers into full batches as it would in AWS.
  const defaults = (parse(readFileSync(SERVERLESS_FILE, 'utf8')) as { params: { default: Record<string, number> } })
    .params.default;
  const settings: LocalStageSettings = {
    ...readLocalStageSettings('local'),
    stage: 'bench',
    routes: [{ bucket: BUCKET, distributionId: DISTRIBUTION, inventory: true }],
    batchSize: Number(defaults.batchSize),
    batchWindowSeconds: Number(defaults.batchWindowSeconds),
    collectorTimeoutSeconds: Number(defaults.collectorTimeoutSeconds),
    maximumConcurrency: Number(defaults.maximumConcurrency),
  };
  log(
    `site before: ${deploy.before.size} objects; deploy: ${deploy.modified} edited, ${deploy.added} added, ${deploy.deleted} deleted` +
      ` (batch size ${settings.batchSize}, window ${settings.batchWindowSeconds} s, concurrency ${settings.maximumConcurrency})`,
  );
  const stack = await startLocalStack({ settings, completionDelayMs: COMPLETION_DELAY_MS });
  try {
    const route = compileRoutes(settings.routes).routes[0] as CompiledRoute;
    const edge = stack.edges.get(DISTRIBUTION)?.endpoint ?? '';
    await seedSite(stack, edge, route, deploy.before, log);
    const deletedKeys = [...deploy.before.keys()].filter((key) => !deploy.after.has(key));
    const second = await measureDeploy(stack, route, edge, deploy.after, deletedKeys, log);
    log(formatFigures({ 'the deploy (version 2)': second }));
    return { second };
  } finally {
    await stack.stop();
  }
}

/**
 * Version 1 is the site before the deploy, not the figure: it goes into the bucket with the bridge
 * muted (no notification, so no collector batch and no invalidation), then every served path is
 * fetched once so the edge caches it, as a site that has been live for a while.
 */
async function seedSite(
  stack: LocalStack,
  edge: string,
  route: CompiledRoute,
  files: ReadonlyMap<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  stack.bridge.mute(true);
  try {
    const { uploaded } = await syncBucket(stack.clients.s3, BUCKET, files, { concurrency: SEED_CONCURRENCY });
    log(`version 1 seeded without notifications: ${uploaded.length} objects in ${seconds()} s`);
  } finally {
    stack.bridge.mute(false);
  }
  const warmed = await warmEdge(edge, route, files.keys());
  log(`edge warmed: ${warmed} paths, ${seconds()} s after the seeding started`);
}

async function measureDeploy(
  stack: LocalStack,
  route: CompiledRoute,
  edge: string,
  files: ReadonlyMap<string, string>,
  deletedKeys: readonly string[],
  log: (line: string) => void,
): Promise<DeployFigures> {
  const [invalidationsBefore, batchesBefore] = [stack.emulator.invalidations().length, stack.poller.invocations.length];
  const started = performance.now();
  let reported = 0;
  const onProgress = (done: number, total: number) => {
    if (done < total && done < reported + total / 10) return;
    reported = done;
    log(`  synced ${done} of ${total} objects in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  };
  const sync = await syncBucket(stack.clients.s3, BUCKET, files, { concurrency: 16, onProgress });
  const synced = performance.now();
  await stack.waitForIdle({ timeoutMs: 1_800_000 });
  const idle = performance.now();
  log(`  idle ${((idle - synced) / 1000).toFixed(1)} s after the last upload; checking the edge`);
  const { checked, stale } = await findStaleObjects(edge, route, files, deletedKeys);
  const invalidations = stack.emulator.invalidations().slice(invalidationsBefore);
  const batches = stack.poller.invocations.slice(batchesBefore);
  const paths = invalidations.flatMap((invalidation) => [...invalidation.paths]);
  const largest = batches.reduce((best, batch) => (batch.records > best.records ? batch : best), {
    records: 0,
    failures: 0,
    ms: 0,
  });
  const syncSeconds = (synced - started) / 1000;
  return {
    uploaded: sync.uploaded.length,
    deleted: sync.deleted.length,
    syncSeconds,
    objectsPerSecond: (sync.uploaded.length + sync.deleted.length) / syncSeconds,
    batches: batches.length,
    records: batches.reduce((sum, batch) => sum + batch.records, 0),
    failedRecords: batches.reduce((sum, batch) => sum + batch.failures, 0),
    invalidations: invalidations.length,
    paths: paths.length,
    wildcards: paths.filter(isWildcardPath).length,
    freshSeconds: (idle - synced) / 1000,
    checked,
    stale: stale.length,
    collectorMs: batches.reduce((sum, batch) => sum + batch.ms, 0),
    largestBatch: { records: largest.records, ms: largest.ms },
  };
}

function formatFigures(deploys: Record<string, DeployFigures>): string {
  const rows = Object.entries(deploys).map(([name, d]) => [
    name,
    `${d.uploaded} + ${d.deleted}`,
    d.syncSeconds.toFixed(1),
    d.objectsPerSecond.toFixed(0),
    `${d.batches} (${d.records} records, ${d.failedRecords} retried)`,
    String(d.invalidations),
    `${d.paths} (${d.wildcards} wildcards)`,
    d.freshSeconds.toFixed(1),
    `${d.stale} of ${d.checked}`,
    ((d.collectorMs * 10_000) / Math.max(1, d.records)).toFixed(0),
    `${d.largestBatch.records} in ${d.largestBatch.ms.toFixed(0)} ms`,
  ]);
  return formatTable(
    [
      'deploy',
      'uploaded + deleted',
      'sync s',
      'objects/s',
      'batches',
      'invalidations',
      'paths',
      'last upload -> all fresh s',
      'stale at the end',
      'collector ms per 10,000 records',
      'largest batch',
    ],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--objects');
  await runEndToEndBench(at > 0 ? Number(process.argv[at + 1]) : 100_000);
}
