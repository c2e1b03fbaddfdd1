import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { S3KeyLister } from '../../shared/adapters/s3-key-lister.ts';
import { SqsRetryQueue } from '../../shared/adapters/sqs-retry-queue.ts';
import { createWatchScheduler } from '../../shared/adapters/sqs-watch-scheduler.ts';
import { type CollectorDeps, collectBatch } from '../../shared/app/collect-batch.ts';
import { createRouteResolver } from '../../shared/app/resolve-routes.ts';
import { loadConfig, requireSetting } from '../../shared/config.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createObservability, toLog, toMetricSink } from '../../shared/runtime/observability.ts';
import { wrapSqsFunction } from '../../shared/runtime/sqs-handler.ts';

// Everything below runs once per container (cold start): config validated, clients created.
const config = loadConfig();
const { logger, metrics } = createObservability('collector', config.stage);
const now = () => Date.now();
const gateway = new CloudFrontGateway(createCloudFrontClient(), {
  inFlightCacheMs: config.inFlightCacheSeconds * 1000,
  now,
});
const sqs = new SQSClient({});
const resolveRoutes = createRouteResolver(config.routes, gateway, { ttlMs: 300_000, now });
const deps: Omit<CollectorDeps, 'routes'> = {
  ledger: new DynamoLedger(createDocumentClient(), {
    tableName: requireSetting(config.tableName, 'TABLE_NAME'),
    retentionDays: config.ledgerRetentionDays,
  }),
  gateway,
  retryQueue: config.queueUrl === undefined ? undefined : new SqsRetryQueue(sqs, config.queueUrl),
  lister: new S3KeyLister(new S3Client({}), {
    maxRequests: config.inventoryMaxRequests,
    cacheMs: config.inventoryCacheSeconds * 1000,
    now,
  }),
  policy: config,
  log: toLog(logger),
  metrics: toMetricSink(metrics),
  now,
  random: Math.random,
  ...(config.watchQueueUrl === undefined ? {} : { afterIssue: createWatchScheduler(sqs, config.watchQueueUrl) }),
};

/** The bare handler: one settled result per record (exported for tests). */
export async function collect(event: SQSEvent): Promise<PromiseSettledResult<void>[]> {
  const routes = await resolveRoutes();
  return collectBatch(event.Records, { ...deps, routes });
}

/** The deployed handler: partial batch responses, EMF metrics. */
export const handler = wrapSqsFunction(collect, { log: deps.log, metrics });
