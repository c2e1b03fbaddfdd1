import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { CloudFrontDistributions } from '../../shared/adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { DynamoWatchMarks } from '../../shared/adapters/dynamodb-watch-marks.ts';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.ts';
import { SqsWatchQueue } from '../../shared/adapters/sqs-watch-scheduler.ts';
import { type WatchOutcome, watchInvalidations } from '../../shared/app/watch-invalidation.ts';
import type { WatchDeps } from '../../shared/app/watch-ports.ts';
import { loadConfig, NOTIFY_MODE, requireSetting } from '../../shared/config.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createObservability, toLog } from '../../shared/runtime/observability.ts';
import { wrapSqsFunction } from '../../shared/runtime/sqs-handler.ts';

// Everything below runs once per container (cold start): config validated, clients created.
const config = loadConfig();
const { logger, metrics } = createObservability('watcher', config.stage);
const now = () => Date.now();
const queue = new SqsWatchQueue(new SQSClient({}), requireSetting(config.watchQueueUrl, 'WATCH_QUEUE_URL'));
const tableName = requireSetting(config.tableName, 'TABLE_NAME');
const documents = createDocumentClient();
const cloudFront = createCloudFrontClient();
const watched = config.watchedDistributions;
const deps: WatchDeps = {
  ledger: new DynamoWatchLedger(documents, { tableName }),
  marks: new DynamoWatchMarks(documents, { tableName }),
  invalidations: new CloudFrontGateway(cloudFront, { inFlightCacheMs: 0, now }),
  distributions: new CloudFrontDistributions(cloudFront),
  isWatched: (distributionId) => watched === '*' || watched.includes(distributionId),
  queue,
  notifier:
    config.topicArn === undefined || config.notify === NOTIFY_MODE.off
      ? undefined
      : new SnsNotifier(new SNSClient({}), config.topicArn),
  notify: config.notify,
  schedule: config.watchSchedule,
  deploySchedule: config.deploySchedule,
  // Longer than a check takes, shorter than the watch queue's visibility timeout (6 x function timeout).
  notifyLeaseMs: 120_000,
  log: toLog(logger),
  metrics: {
    count: (name, value) => {
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
    latency: (ms) => metrics.addMetric('InvalidationLatency', MetricUnit.Milliseconds, ms),
  },
  now,
};

/** The bare handler: one settled result per record (exported for tests). */
export async function watch(event: SQSEvent): Promise<PromiseSettledResult<WatchOutcome | undefined>[]> {
  return watchInvalidations(event.Records, deps);
}

/** The deployed handler: partial batch responses, EMF metrics. */
export const handler = wrapSqsFunction(watch, { log: deps.log, metrics });
