import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { CloudFrontDistributions } from '../../shared/adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { CodePipelineJobs } from '../../shared/adapters/codepipeline-jobs.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { SqsQueueDepth } from '../../shared/adapters/sqs-queue-depth.ts';
import { createWatchScheduler } from '../../shared/adapters/sqs-watch-scheduler.ts';
import { type PipelineOutcome, runPipelineJob } from '../../shared/app/pipeline-job.ts';
import type { PipelineDeps, PipelineJobEvent } from '../../shared/app/pipeline-ports.ts';
import { createRouteResolver } from '../../shared/app/resolve-routes.ts';
import { loadConfig, requireSetting } from '../../shared/config.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createObservability, toLog, toMetricSink } from '../../shared/runtime/observability.ts';

// Everything below runs once per container (cold start): config validated, clients created.
const config = loadConfig();
const { logger, metrics } = createObservability('pipeline', config.stage);
const now = () => Date.now();
const tableName = requireSetting(config.tableName, 'TABLE_NAME');
const documents = createDocumentClient();
const cloudFront = createCloudFrontClient();
const gateway = new CloudFrontGateway(cloudFront, {
  inFlightCacheMs: config.inFlightCacheSeconds * 1000,
  now,
});
const sqs = new SQSClient({});
const deps: PipelineDeps = {
  ledger: new DynamoLedger(documents, {
    tableName,
    retentionDays: config.ledgerRetentionDays,
    accountTableName: config.accountTableName,
  }),
  gateway,
  policy: config,
  log: toLog(logger),
  metrics: toMetricSink(metrics, config.stage),
  now,
  leaseMs: config.functionTimeoutSeconds * 1000,
  jobs: new CodePipelineJobs(new CodePipelineClient({})),
  invalidations: gateway,
  issued: new DynamoWatchLedger(documents, { tableName }),
  queue: config.queueUrl === undefined ? undefined : new SqsQueueDepth(sqs, config.queueUrl),
  routes: createRouteResolver(config.routes, gateway, { ttlMs: 300_000, now }),
  distributions: new CloudFrontDistributions(cloudFront),
  pipelineDistributions: config.pipelineDistributions,
  // The watcher records completion and latency and notifies, as for the collector's invalidations.
  ...(config.watchQueueUrl === undefined
    ? {}
    : { afterIssue: createWatchScheduler(sqs, config.watchQueueUrl, now, config.watchSchedule) }),
};

/** The bare handler (exported for tests). Never log `event`: it carries artifact credentials. */
export async function runJob(event: PipelineJobEvent): Promise<PipelineOutcome> {
  return runPipelineJob(event, deps);
}

/** The deployed handler: EMF metrics flushed after each invocation. */
export const handler = middy(runJob).use(logMetrics(metrics)) as unknown as (
  event: PipelineJobEvent,
  context: Context,
) => Promise<PipelineOutcome>;
