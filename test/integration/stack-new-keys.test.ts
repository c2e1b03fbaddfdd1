import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DeleteObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontDistributions } from '../../shared/adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { CodePipelineJobs } from '../../shared/adapters/codepipeline-jobs.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { SqsQueueDepth } from '../../shared/adapters/sqs-queue-depth.ts';
import { type PipelineOutcome, runPipelineJob } from '../../shared/app/pipeline-job.ts';
import type { PipelineDeps } from '../../shared/app/pipeline-ports.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';
import { matchesInvalidationPath } from '../../shared/local/cloudfront-emulator/index.ts';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../helpers/aws-clients.ts';
import { startRecordingCodePipeline } from '../helpers/codepipeline-recorder.ts';
import { captureLog, captureMetrics } from '../helpers/collector.ts';
import { buildLocalSettings, uploadAll } from '../helpers/local-stack.ts';

const SITE = 'E1NEWKEYS00000';
const BUCKET = 'new-keys-site';
/** The distribution's error-caching TTL: long, so only the stack's clock (never a sleep) passes it. */
const TTL_SECONDS = 300;

/**
 * New keys on the whole local stack with a versioned bucket: the real S3 client, notification bridge,
 * event-source poller, collector (GetBucketVersioning, ListObjectVersions, GetDistribution), CloudFront
 * emulator and caching edge, all on one clock (S3 event times included) that runs `ahead` of real
 * time. A deploy "after the TTL" pauses the event source, uploads, moves the clock by the TTL and
 * resumes: the collector then issues the TTL after the creations, with no sleep.
 */
describe('local stack: new keys in a versioned bucket', () => {
  let stack: LocalStack;
  let edge: string;
  let ahead = 0;

  beforeAll(async () => {
    stack = await startLocalStack({
      settings: buildLocalSettings({
        stage: 'newkeys',
        routes: [{ bucket: BUCKET, distributionId: SITE, inventory: true }],
        batchWindowSeconds: 1,
      }),
      customErrorResponses: [
        { errorCode: 403, errorCachingMinTtl: TTL_SECONDS },
        { errorCode: 404, errorCachingMinTtl: TTL_SECONDS },
      ],
      now: () => Date.now() + ahead,
      stampEventsWithClock: true,
    });
    await stack.clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    edge = stack.edges.get(SITE)?.endpoint ?? '';
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /**
   * Uploads `files` and deletes `removed`, processed right away or (`afterTtl`) once the error-caching
   * TTL has passed; waits for the pipeline and returns the paths invalidated meanwhile.
   */
  async function deploy(
    files: ReadonlyMap<string, string>,
    { removed = [], afterTtl = false }: { removed?: readonly string[]; afterTtl?: boolean } = {},
  ): Promise<string[]> {
    const before = stack.emulator.invalidations(SITE).length;
    if (afterTtl) stack.poller.pause();
    await uploadAll(stack.clients.s3, BUCKET, files);
    for (const key of removed) await stack.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await stack.bridge.flush();
    if (afterTtl) {
      ahead += TTL_SECONDS * 1000;
      stack.poller.resume();
    }
    await stack.waitForIdle();
    return stack.emulator
      .invalidations(SITE)
      .slice(before)
      .flatMap((invalidation) => [...invalidation.paths])
      .sort();
  }

  async function get(path: string) {
    const response = await fetch(`${edge}${path}`);
    return [response.status, await response.text()] as const;
  }

  it('issues nothing for a deploy of only new files once the TTL has passed, and the edge serves every file', async () => {
    // Prepare
    const files = new Map([
      ['assets/app.1a2b.js', 'app'],
      ['assets/vendor.3c4d.js', 'vendor'],
      ['assets/style.5e6f.css', 'style'],
    ]);
    const freeBefore = stack.metrics.get('NewKeysFree') ?? 0;
    // Act
    const paths = await deploy(files, { afterTtl: true });
    // Assess
    expect(paths).toEqual([]);
    expect((stack.metrics.get('NewKeysFree') ?? 0) - freeBefore).toBe(3);
    for (const [key, body] of files) expect(await get(`/${key}`)).toEqual([200, body]);
  });

  it('invalidates a modified key and a re-created key, but not a new one beside them', async () => {
    // Prepare: version 1 live and cached at the edge; old.html deleted in a later deploy.
    await deploy(
      new Map([
        ['pages/about.html', 'about v1'],
        ['pages/old.html', 'old v1'],
        ['pages/keep.html', 'keep'],
      ]),
      { afterTtl: true },
    );
    for (const path of ['/pages/about.html', '/pages/old.html', '/pages/keep.html']) await get(path);
    const removal = await deploy(new Map(), { removed: ['pages/old.html'], afterTtl: true });
    // Act
    const paths = await deploy(
      new Map([
        ['pages/about.html', 'about v2'],
        ['pages/old.html', 'old v2'],
        ['pages/new.html', 'new'],
      ]),
      { afterTtl: true },
    );
    // Assess
    expect(removal).toEqual(['/pages/old.html']);
    expect(paths).toEqual(['/pages/about.html', '/pages/old.html']);
    expect([await get('/pages/about.html'), await get('/pages/old.html'), await get('/pages/new.html')]).toEqual([
      [200, 'about v2'],
      [200, 'old v2'],
      [200, 'new'],
    ]);
  });

  it('serves a key fresh when it was requested before its upload and uploaded inside the TTL', async () => {
    // Prepare: the edge caches the 404 (a second request is answered from it).
    await get('/late/app.js');
    const cachedMiss = await get('/late/app.js');
    // Act: uploaded now, so the invalidation goes out well inside the 300 s TTL (the test's own
    // 60 s timeout is shorter).
    const paths = await deploy(new Map([['late/app.js', 'late']]));
    // Assess
    expect(cachedMiss[0]).toBe(404);
    expect(paths.some((path) => matchesInvalidationPath(path, '/late/app.js'))).toBe(true);
    expect(await get('/late/app.js')).toEqual([200, 'late']);
  });
  it('lets a CodePipeline "await" action after a deploy of only new files succeed with nothing issued', async () => {
    // Prepare: the action's adapters on the stack's table, queue and emulator; CodePipeline recorded.
    const recorder = await startRecordingCodePipeline();
    const codePipeline = new CodePipelineClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: recorder.endpoint,
      maxAttempts: 1,
    });
    const now = () => Date.now() + ahead;
    const documents = DynamoDBDocumentClient.from(stack.clients.dynamo);
    const gateway = new CloudFrontGateway(stack.clients.cloudFront, { inFlightCacheMs: 0, now });
    const deps: PipelineDeps = {
      ledger: new DynamoLedger(documents, { tableName: stack.tableName, retentionDays: 30 }),
      gateway,
      policy: stack.config,
      log: captureLog(),
      metrics: captureMetrics(),
      now,
      jobs: new CodePipelineJobs(codePipeline),
      invalidations: gateway,
      issued: new DynamoWatchLedger(documents, { tableName: stack.tableName }),
      queue: new SqsQueueDepth(stack.clients.sqs, stack.queue.queueUrl),
      routes: async () => compileRoutes(stack.settings.routes),
      distributions: new CloudFrontDistributions(stack.clients.cloudFront),
      pipelineDistributions: [],
    };
    const before = stack.emulator.invalidations(SITE).length;
    try {
      // Act: the S3 deploy action has written; the await action runs while the collector catches up.
      stack.poller.pause();
      await uploadAll(stack.clients.s3, BUCKET, new Map([['pipeline/app.9a8b.js', 'app']]));
      await stack.bridge.flush();
      let outcome: PipelineOutcome | undefined;
      let token: string | undefined;
      for (let call = 0; call < 20 && outcome?.kind !== 'succeeded'; call++) {
        if (call === 1) {
          ahead += TTL_SECONDS * 1000;
          stack.poller.resume();
        }
        const data = {
          actionConfiguration: {
            configuration: { UserParameters: JSON.stringify({ mode: 'await', bucket: BUCKET, lookbackSeconds: 0 }) },
          },
        };
        outcome = await runPipelineJob(
          {
            'CodePipeline.job': {
              id: `job-${call}`,
              data: token === undefined ? data : { ...data, continuationToken: token },
            },
          },
          deps,
        );
        token = recorder.calls.at(-1)?.body.continuationToken;
        if (outcome.kind !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // Assess
      expect(outcome?.kind).toBe('succeeded');
      expect(outcome?.message).toBe(`change queue drained; 0 invalidation(s) of ${SITE} completed`);
      expect(stack.emulator.invalidations(SITE).length).toBe(before);
      expect(await get('/pipeline/app.9a8b.js')).toEqual([200, 'app']);
    } finally {
      stack.poller.resume();
      codePipeline.destroy();
      recorder.server.closeAllConnections();
      await new Promise((resolve) => recorder.server.close(resolve));
    }
  });
});
