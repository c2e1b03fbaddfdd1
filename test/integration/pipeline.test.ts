import {
  type CloudFrontClient,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CloudFrontDistributions } from '../../shared/adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { CodePipelineJobs } from '../../shared/adapters/codepipeline-jobs.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { SqsQueueDepth } from '../../shared/adapters/sqs-queue-depth.ts';
import type { CollectorPolicy } from '../../shared/app/collect-batch.ts';
import { runPipelineJob } from '../../shared/app/pipeline-job.ts';
import type { PipelineDeps, PipelineJobEvent } from '../../shared/app/pipeline-ports.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';
import {
  type CloudFrontEmulator,
  matchesInvalidationPath,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import {
  createCloudFrontClient,
  createDynamoClient,
  createSqsClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  uniqueName,
} from '../helpers/aws-clients.ts';
import { type PipelineCall, startRecordingCodePipeline } from '../helpers/codepipeline-recorder.ts';
import { buildPolicy, captureLog, captureMetrics, createLedgerTable, readMonth } from '../helpers/collector.ts';
import { setEnv } from '../helpers/env.ts';

const SITE = 'E1SITE0000000A';
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE }];
/** An ALB-backed distribution: no bucket, no route, named in PIPELINE_DISTRIBUTIONS. */
const API = 'E9API000000000';
const DEPLOY_MS = 300_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');
const MONTH = '2026-11';
const COMPLETION_MS = 120_000;

function jobEvent(userParameters: unknown, continuationToken?: string, id = uniqueName('job')): PipelineJobEvent {
  return {
    'CodePipeline.job': {
      id,
      data: {
        actionConfiguration: {
          configuration: {
            UserParameters: typeof userParameters === 'string' ? userParameters : JSON.stringify(userParameters),
          },
        },
        ...(continuationToken === undefined ? {} : { continuationToken }),
      },
    },
  };
}

describe('runPipelineJob', () => {
  let clock = NOW;
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let sqs: SQSClient;
  let codePipeline: CodePipelineClient;
  let recorder: Awaited<ReturnType<typeof startRecordingCodePipeline>>;
  let tableName: string;
  let changeQueueUrl: string;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        { id: API, origins: [{ id: 'alb', domainName: 'app-123.us-east-1.elb.amazonaws.com' }] },
      ],
      completionDelayMs: COMPLETION_MS,
      deployDelayMs: DEPLOY_MS,
      now: () => clock,
    });
    recorder = await startRecordingCodePipeline();
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
    sqs = createSqsClient();
    codePipeline = new CodePipelineClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: recorder.endpoint,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    for (const client of [cloudFront, dynamo, sqs, codePipeline]) client.destroy();
    recorder.server.closeAllConnections();
    await new Promise((resolve) => recorder.server.close(resolve));
    await emulator.stop();
  });

  beforeEach(async () => {
    clock = NOW;
    emulator.reset();
    recorder.calls.length = 0;
    recorder.reported.clear();
    tableName = await createLedgerTable(dynamo);
    changeQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('changes') }))).QueueUrl ?? '';
  });

  function buildDeps(policy: Partial<CollectorPolicy> = {}): PipelineDeps {
    const documents = DynamoDBDocumentClient.from(dynamo);
    const gateway = new CloudFrontGateway(cloudFront, { inFlightCacheMs: 0, now: () => clock });
    return {
      ledger: new DynamoLedger(documents, { tableName, retentionDays: 30 }),
      gateway,
      policy: buildPolicy(policy),
      log: captureLog(),
      metrics: captureMetrics(),
      now: () => clock,
      jobs: new CodePipelineJobs(codePipeline),
      invalidations: gateway,
      issued: new DynamoWatchLedger(documents, { tableName }),
      queue: new SqsQueueDepth(sqs, changeQueueUrl),
      routes: async () => compileRoutes(ROUTES),
      distributions: new CloudFrontDistributions(cloudFront),
      pipelineDistributions: [API],
    };
  }

  function callsOf(event: PipelineJobEvent): PipelineCall[] {
    return recorder.calls.filter((call) => call.body.jobId === event['CodePipeline.job'].id);
  }

  async function totalPaths(): Promise<number> {
    return Number((await readMonth(dynamo, tableName, MONTH)).find((item) => item.sk === 'TOTAL')?.paths ?? 0);
  }

  describe('mode "paths"', () => {
    it('issues on the first call, waits through continuation tokens and succeeds once completed', async () => {
      // Prepare
      const deps = buildDeps();
      const params = { mode: 'paths', distributionId: SITE, paths: ['/index.html', '/docs/*'] };
      const first = jobEvent(params);

      // Act: CodePipeline invokes again with the token, each time as a new job
      const issued = await runPipelineJob(first, deps);
      const token1 = callsOf(first)[0]?.body.continuationToken ?? '';
      clock = NOW + 60_000;
      const second = jobEvent(params, token1);
      const waiting = await runPipelineJob(second, deps);
      const token2 = callsOf(second)[0]?.body.continuationToken ?? '';
      clock = NOW + COMPLETION_MS;
      const third = jobEvent(params, token2);
      const done = await runPipelineJob(third, deps);

      // Assess
      expect([issued.kind, waiting.kind, done.kind]).toEqual(['continued', 'continued', 'succeeded']);
      const [invalidation] = emulator.invalidations(SITE);
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      expect([...(invalidation?.paths ?? [])].sort()).toEqual(['/docs/*', '/index.html']);
      expect(callsOf(first)).toEqual([
        expect.objectContaining({
          action: 'PutJobSuccessResult',
          body: expect.objectContaining({ continuationToken: expect.stringMatching(/^v1\./) }),
        }),
      ]);
      expect(callsOf(second)[0]?.body.executionDetails?.summary).toBe(
        `invalidation ${invalidation?.id} on ${SITE} in progress`,
      );
      const final = callsOf(third)[0];
      expect(final?.action).toBe('PutJobSuccessResult');
      expect(final?.body.continuationToken).toBeUndefined();
      expect(final?.body.outputVariables).toEqual({ InvalidationId: invalidation?.id, DistributionId: SITE });
      const ledger = (await readMonth(dynamo, tableName, MONTH)).filter((item) => String(item.sk).startsWith('INV#'));
      expect(ledger).toEqual([
        expect.objectContaining({ source: 'pipeline', status: 'issued', invalidationId: invalidation?.id }),
      ]);
      expect(await totalPaths()).toBe(2);
    });

    it('does not invalidate twice when the same job is invoked again', async () => {
      // Prepare
      const deps = buildDeps();
      const event = jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/*'] });

      // Act
      await runPipelineJob(event, deps);
      await runPipelineJob(event, deps);

      // Assess
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      expect(await totalPaths()).toBe(1);
      const tokens = callsOf(event).map((call) => call.body.continuationToken);
      expect(tokens[0]).toBe(tokens[1]);
    });

    it('coalesces the paths with the planner when they exceed the budget', async () => {
      // Prepare
      const deps = buildDeps({ maxPathsPerInvalidation: 3 });
      const paths = Array.from({ length: 10 }, (_, i) => `/docs/guide-${i}.html`);

      // Act
      await runPipelineJob(jobEvent({ mode: 'paths', distributionId: SITE, paths }), deps);

      // Assess
      const issued = emulator.invalidations(SITE)[0]?.paths ?? [];
      expect(issued.length).toBeGreaterThan(0);
      expect(issued.length).toBeLessThanOrEqual(3);
      for (const path of paths) expect(issued.some((candidate) => matchesInvalidationPath(candidate, path))).toBe(true);
    });

    it('keeps waiting while the hard monthly cap defers it, then fails at the timeout', async () => {
      // Prepare: a first job spends the whole cap
      const deps = buildDeps({ hardMonthlyCap: 1 });
      await runPipelineJob(jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/a.html'] }), deps);
      const params = { mode: 'paths', distributionId: SITE, paths: ['/b.html'], timeoutMinutes: 5 };
      const first = jobEvent(params);

      // Act
      const deferred = await runPipelineJob(first, deps);
      clock = NOW + 5 * 60_000;
      const last = jobEvent(params, callsOf(first)[0]?.body.continuationToken);
      const outcome = await runPipelineJob(last, deps);

      // Assess
      expect(deferred.kind).toBe('continued');
      expect(deferred.message).toMatch(/^retrying after: distribution E1SITE0000000A deferred: /);
      expect(outcome.kind).toBe('failed');
      expect(callsOf(last)[0]?.body.failureDetails).toEqual({
        type: 'JobFailed',
        message: expect.stringMatching(
          /^timed out after 5 min \(UserParameters.timeoutMinutes 5\): retrying after: .*deferred/,
        ),
      });
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      expect(await totalPaths()).toBe(1);
    });

    it('fails with the invalidation id when CloudFront has not completed by the timeout', async () => {
      // Prepare
      emulator.setCompletionDelay('never');
      const deps = buildDeps();
      const params = { mode: 'paths', distributionId: SITE, paths: ['/*'], timeoutMinutes: 1 };
      const first = jobEvent(params);
      await runPipelineJob(first, deps);
      clock = NOW + 61_000;
      const later = jobEvent(params, callsOf(first)[0]?.body.continuationToken);

      // Act
      const outcome = await runPipelineJob(later, deps);

      // Assess
      const id = emulator.invalidations(SITE)[0]?.id;
      expect(outcome.kind).toBe('failed');
      expect(callsOf(later)).toEqual([
        {
          action: 'PutJobFailureResult',
          body: {
            jobId: later['CodePipeline.job'].id,
            failureDetails: {
              type: 'JobFailed',
              message: `timed out after 1 min 1 s (UserParameters.timeoutMinutes 1): invalidation ${id} on ${SITE} in progress`,
              externalExecutionId: id,
            },
          },
        },
      ]);
    });
  });

  describe('mode "await"', () => {
    it('waits for the change queue and earlier invalidations, then succeeds after two quiet checks', async () => {
      // Prepare: the deploy's invalidation was issued a minute before the job (within the default
      // 15-minute lookback) and one change is still queued
      clock = NOW - 60_000;
      const deps = buildDeps();
      await runPipelineJob(jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/index.html'] }), deps);
      await sqs.send(new SendMessageCommand({ QueueUrl: changeQueueUrl, MessageBody: '{"Records":[]}' }));
      clock = NOW;
      const params = { mode: 'await', bucket: 'site-bucket' };
      const first = jobEvent(params);

      // Act
      const busy = await runPipelineJob(first, deps);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: changeQueueUrl }));
      clock = NOW + 90_000;
      const second = jobEvent(params, callsOf(first)[0]?.body.continuationToken);
      const quiet = await runPipelineJob(second, deps);
      const third = jobEvent(params, callsOf(second)[0]?.body.continuationToken);
      const done = await runPipelineJob(third, deps);

      // Assess
      const id = emulator.invalidations(SITE)[0]?.id;
      expect(busy.message).toBe(
        `waiting for 1 change message(s) in the queue (1 waiting, 0 in flight, 0 delayed) and 1 invalidation(s) in progress (${id} on ${SITE})`,
      );
      expect(quiet).toMatchObject({ kind: 'continued', message: 'all done; confirming on the next check' });
      expect(done).toEqual({
        kind: 'succeeded',
        message: `change queue drained; 1 invalidation(s) of ${SITE} completed`,
      });
      expect(callsOf(third)[0]?.body.outputVariables).toEqual({ DistributionIds: SITE });
    });

    it('fails with a configuration error naming the field for a bucket without a route', async () => {
      // Prepare
      const event = jobEvent({ mode: 'await', bucket: 'other-bucket' });

      // Act
      const outcome = await runPipelineJob(event, buildDeps());

      // Assess
      expect(outcome.kind).toBe('failed');
      expect(callsOf(event)[0]?.body.failureDetails).toEqual({
        type: 'ConfigurationError',
        message: 'UserParameters.bucket: expected a bucket routed in ROUTES, got "other-bucket"',
      });
    });
  });

  describe('mode "paths" with wait: false', () => {
    it('succeeds at once with the invalidation id as an output variable, the invalidation still in progress', async () => {
      // Prepare
      const event = jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/*'], wait: false });

      // Act
      const outcome = await runPipelineJob(event, buildDeps());

      // Assess
      const [invalidation] = emulator.invalidations(SITE);
      expect(outcome.kind).toBe('succeeded');
      expect(invalidation?.status).toBe('InProgress');
      const [call] = callsOf(event);
      expect(call?.action).toBe('PutJobSuccessResult');
      expect(call?.body.continuationToken).toBeUndefined();
      expect(call?.body.outputVariables).toEqual({ InvalidationId: invalidation?.id, DistributionId: SITE });
      expect(await totalPaths()).toBe(1);
    });
  });

  describe('a pipeline-only distribution (no bucket, no route)', () => {
    it('is invalidated and waited for like a routed one', async () => {
      // Prepare
      const deps = buildDeps();
      const params = { mode: 'paths', distributionId: API, paths: ['/api/config.json'] };
      const first = jobEvent(params);

      // Act
      const issued = await runPipelineJob(first, deps);
      clock = NOW + COMPLETION_MS;
      const done = await runPipelineJob(jobEvent(params, callsOf(first)[0]?.body.continuationToken), deps);

      // Assess
      expect([issued.kind, done.kind]).toEqual(['continued', 'succeeded']);
      expect(emulator.invalidations(API).map((invalidation) => invalidation.paths)).toEqual([['/api/config.json']]);
    });

    it('refuses a distribution that is neither routed nor pipeline-only, naming the field', async () => {
      // Prepare
      const event = jobEvent({ mode: 'paths', distributionId: 'E7OTHER0000000', paths: ['/*'] });

      // Act
      const outcome = await runPipelineJob(event, buildDeps());

      // Assess
      expect(outcome.kind).toBe('failed');
      expect(callsOf(event)[0]?.body.failureDetails).toEqual({
        type: 'ConfigurationError',
        message:
          'UserParameters.distributionId: expected a distribution of ROUTES or PIPELINE_DISTRIBUTIONS, got "E7OTHER0000000"',
      });
      expect(emulator.requests()).toEqual([]);
    });
  });

  describe('mode "wait-deployed"', () => {
    it('continues while the distribution deploys, then succeeds with its version', async () => {
      // Prepare: a new behaviour on the API distribution, as a deploy stage would make it
      const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: API }));
      const updated = await cloudFront.send(
        new UpdateDistributionCommand({
          Id: API,
          IfMatch: current.ETag,
          DistributionConfig: { ...current.DistributionConfig, Comment: 'new behaviour' } as never,
        }),
      );
      const deps = buildDeps();
      const params = { mode: 'wait-deployed', distributionId: API };
      const first = jobEvent(params);

      // Act
      const deploying = await runPipelineJob(first, deps);
      clock = NOW + DEPLOY_MS;
      const second = jobEvent(params, callsOf(first)[0]?.body.continuationToken);
      const deployed = await runPipelineJob(second, deps);

      // Assess
      expect([deploying.kind, deployed.kind]).toEqual(['continued', 'succeeded']);
      expect(callsOf(first)[0]?.body.continuationToken).toMatch(/^v1\./);
      expect(callsOf(first)[0]?.body.executionDetails?.summary).toBe(
        `distribution ${API} is InProgress (version ${updated.ETag})`,
      );
      expect(callsOf(second)[0]?.body.outputVariables).toEqual({ DistributionId: API, ETag: updated.ETag });
    });

    it('refuses paths in mode "wait-deployed", naming the field', async () => {
      // Act
      const event = jobEvent({ mode: 'wait-deployed', distributionId: API, paths: ['/*'] });
      await runPipelineJob(event, buildDeps());

      // Assess
      expect(callsOf(event)[0]?.body.failureDetails).toEqual({
        type: 'ConfigurationError',
        message: 'UserParameters.paths: expected no paths in mode "wait-deployed" (give distributionId), got an array',
      });
    });
  });

  describe('the deployed handler', () => {
    it('issues and reports success through the wired clients', async () => {
      // Prepare: the handler reads its configuration and endpoints from the environment, like in Lambda
      emulator.setCompletionDelay(0);
      const restore = setEnv({
        STAGE: 'test',
        TABLE_NAME: tableName,
        QUEUE_URL: changeQueueUrl,
        ROUTES: JSON.stringify(ROUTES),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_ENDPOINT_URL_SQS: inject('awsEndpoint'),
        AWS_ENDPOINT_URL_CLOUDFRONT: emulator.endpoint,
        AWS_ENDPOINT_URL_CODEPIPELINE: recorder.endpoint,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      });
      try {
        const { handler } = await import('../../functions/pipeline/handler.ts');
        const event = jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/*'] });

        // Act
        const outcome = await handler(event, {} as Context);

        // Assess
        const id = emulator.invalidations(SITE)[0]?.id;
        expect(outcome.kind).toBe('succeeded');
        expect(callsOf(event)).toEqual([
          expect.objectContaining({
            action: 'PutJobSuccessResult',
            body: expect.objectContaining({ outputVariables: { InvalidationId: id, DistributionId: SITE } }),
          }),
        ]);
      } finally {
        restore();
      }
    });
  });

  describe('bad input', () => {
    it('reports invalid UserParameters as a configuration error naming the field', async () => {
      // Prepare
      const event = jobEvent({ mode: 'paths', distributionId: 'my-site', paths: ['/*'] });

      // Act
      await runPipelineJob(event, buildDeps());

      // Assess
      expect(callsOf(event)).toEqual([
        {
          action: 'PutJobFailureResult',
          body: {
            jobId: event['CodePipeline.job'].id,
            failureDetails: {
              type: 'ConfigurationError',
              message:
                'UserParameters.distributionId: expected a CloudFront distribution id such as "E2QWRUHAPOMQZL", got "my-site"',
            },
          },
        },
      ]);
      expect(emulator.invalidations()).toHaveLength(0);
    });

    it('logs instead of throwing when CodePipeline says the job was already reported', async () => {
      // Prepare: Lambda retries an invocation whose result CodePipeline already has
      const event = jobEvent({ mode: 'paths', distributionId: SITE, paths: ['/*'] });
      recorder.reported.add(event['CodePipeline.job'].id);
      const deps = buildDeps();

      // Act
      const outcome = await runPipelineJob(event, deps);

      // Assess
      expect(outcome.kind).toBe('continued');
      expect(callsOf(event)).toHaveLength(1);
      const log = deps.log as ReturnType<typeof captureLog>;
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          message: 'could not report the job result',
          extra: expect.objectContaining({ error: 'PipelineReportError' }),
        }),
      );
    });

    it('fails a job whose continuation token it did not issue', async () => {
      // Prepare
      const event = jobEvent({ mode: 'await', distributionId: SITE }, 'deploy-42');

      // Act
      const outcome = await runPipelineJob(event, buildDeps());

      // Assess
      expect(outcome).toMatchObject({ kind: 'failed', type: 'JobFailed' });
      expect(callsOf(event)[0]?.body.failureDetails?.message).toContain(
        'continuationToken: expected a token issued by this action',
      );
    });
  });
});
