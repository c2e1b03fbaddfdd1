import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudFrontDistributions } from '../adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../adapters/cloudfront-gateway.ts';
import { DynamoWatchLedger } from '../adapters/dynamodb-watch-ledger.ts';
import { DynamoWatchMarks } from '../adapters/dynamodb-watch-marks.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { SqsWatchQueue } from '../adapters/sqs-watch-scheduler.ts';
import type { Log } from '../app/issue-unit.ts';
import type { WatchDeps, WatchMetrics } from '../app/watch-ports.ts';
import { NOTIFY_MODE, requireSetting, type ServiceConfig } from '../config.ts';

/** The SDK clients the watcher uses (created once per container by the caller). */
export interface WatcherClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly cloudFront: CloudFrontClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

/**
 * Wires the watcher's dependencies from configuration and clients. The Lambda entry point calls it
 * once at module scope; the local stack calls it with its own clients, so both run the same chain.
 *
 * @throws ConfigError when WATCH_QUEUE_URL or TABLE_NAME is missing (fails the cold start)
 */
export function createWatcherDeps(options: {
  config: ServiceConfig;
  clients: WatcherClients;
  log: Log;
  metrics: WatchMetrics;
  now?: () => number;
}): WatchDeps {
  const { config, clients } = options;
  const now = options.now ?? Date.now;
  const tableName = requireSetting(config.tableName, 'TABLE_NAME');
  const watched = config.watchedDistributions;
  return {
    ledger: new DynamoWatchLedger(clients.dynamo, { tableName }),
    marks: new DynamoWatchMarks(clients.dynamo, { tableName }),
    invalidations: new CloudFrontGateway(clients.cloudFront, { inFlightCacheMs: 0, now }),
    distributions: new CloudFrontDistributions(clients.cloudFront),
    isWatched: (distributionId) => watched === '*' || watched.includes(distributionId),
    queue: new SqsWatchQueue(clients.sqs, requireSetting(config.watchQueueUrl, 'WATCH_QUEUE_URL')),
    notifier:
      config.topicArn === undefined || config.notify === NOTIFY_MODE.off
        ? undefined
        : new SnsNotifier(clients.sns, config.topicArn),
    notify: config.notify,
    schedule: config.watchSchedule,
    deploySchedule: config.deploySchedule,
    // Longer than a check takes, shorter than the watch queue's visibility timeout (6 x function timeout).
    notifyLeaseMs: 120_000,
    log: options.log,
    metrics: options.metrics,
    now,
  };
}
