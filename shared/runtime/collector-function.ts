import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CloudFrontErrorCaching } from '../adapters/cloudfront-error-caching.ts';
import { CloudFrontGateway } from '../adapters/cloudfront-gateway.ts';
import { CloudFrontReconciler } from '../adapters/cloudfront-reconciler.ts';
import { DynamoAccountLedger } from '../adapters/dynamodb-account-ledger.ts';
import { DynamoLedger } from '../adapters/dynamodb-ledger.ts';
import { DynamoMessageProgress } from '../adapters/dynamodb-message-progress.ts';
import { DynamoPendingStore } from '../adapters/dynamodb-pending-store.ts';
import { DynamoSavingsCounters } from '../adapters/dynamodb-savings-counters.ts';
import { S3KeyLister } from '../adapters/s3-key-lister.ts';
import { S3VersionHistory } from '../adapters/s3-version-history.ts';
import { SqsRetryQueue } from '../adapters/sqs-retry-queue.ts';
import { createWatchScheduler } from '../adapters/sqs-watch-scheduler.ts';
import { type CollectorDeps, collectBatch, drainPending, type Log, type MetricSink } from '../app/collect-batch.ts';
import { createOutsideReconciler } from '../app/reconcile-outside.ts';
import { createRouteResolver } from '../app/resolve-routes.ts';
import { createReservationSweeper } from '../app/sweep-reservations.ts';
import { requireSetting, type ServiceConfig } from '../config.ts';
import { wrapSqsFunction } from './sqs-handler.ts';

/** `kind` of the scheduled event that drains the pending set (serverless.yml). */
export const DRAIN_EVENT_KIND = 'drain-pending';

/** How long a bucket's versioning status and a distribution's error-caching TTL are reused. */
const EVIDENCE_CACHE_MS = 300_000;

/** The SDK clients the collector uses (created once per container by the caller). */
export interface CollectorClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly cloudFront: CloudFrontClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/** The collector, wired: the bare function (for tests) and the deployed middy handler. */
export interface CollectorFunction {
  collect(event: SQSEvent): Promise<PromiseSettledResult<void>[]>;
  handler(event: SQSEvent): Promise<SQSBatchResponse>;
  /** The scheduled drain of the pending set (every minute); reports pending counts and ages as metrics. */
  drain(): Promise<Record<string, string>>;
}

/**
 * Wires the collector from configuration and clients. The Lambda entry point calls it once at module
 * scope; the local stack calls it with its own clients, so both run the same chain.
 *
 * @throws ConfigError / RouteConfigError when the configuration is invalid (fails the cold start)
 */
export function createCollectorFunction(options: {
  config: ServiceConfig;
  clients: CollectorClients;
  log: Log;
  metrics: MetricSink;
  powertoolsMetrics?: Metrics;
  checkpoint?: CollectorDeps['checkpoint'];
  now?: () => number;
}): CollectorFunction {
  const { config, clients } = options;
  const now = options.now ?? Date.now;
  const gateway = new CloudFrontGateway(clients.cloudFront, {
    inFlightCacheMs: config.inFlightCacheSeconds * 1000,
    now,
  });
  const resolveRoutes = createRouteResolver(config.routes, gateway, { ttlMs: 300_000, now });
  const tableName = requireSetting(config.tableName, 'TABLE_NAME');
  const pending = new DynamoPendingStore(clients.dynamo, { tableName });
  const deps: Omit<CollectorDeps, 'routes'> = {
    ledger: new DynamoLedger(clients.dynamo, {
      tableName,
      retentionDays: config.ledgerRetentionDays,
      accountTableName: config.accountTableName,
    }),
    pending,
    progress: new DynamoMessageProgress(clients.dynamo, { tableName }),
    gateway,
    retryQueue: config.queueUrl === undefined ? undefined : new SqsRetryQueue(clients.sqs, config.queueUrl),
    savings: new DynamoSavingsCounters(clients.dynamo, { tableName }),
    lister: new S3KeyLister(clients.s3, {
      maxRequests: config.inventoryMaxRequests,
      cacheMs: config.inventoryCacheSeconds * 1000,
      now,
    }),
    newKeys: {
      versions: new S3VersionHistory(clients.s3, {
        maxRequests: config.inventoryMaxRequests,
        versioningCacheMs: EVIDENCE_CACHE_MS,
        now,
      }),
      errorCaching: new CloudFrontErrorCaching(clients.cloudFront, { cacheMs: EVIDENCE_CACHE_MS, now }),
    },
    policy: config,
    log: options.log,
    metrics: options.metrics,
    now,
    // The lease lasts this function's timeout: after it, no invocation of ours can still be issuing.
    leaseMs: config.functionTimeoutSeconds * 1000,
    finder: gateway,
    random: Math.random,
    ...(config.watchQueueUrl === undefined
      ? {}
      : { afterIssue: createWatchScheduler(clients.sqs, config.watchQueueUrl, now, config.watchSchedule) }),
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
  };
  // Reservations orphaned by a crash or an ambiguous failure whose messages came back in other batches
  // are settled here, at most once per interval (docs/architecture.md, failure handling).
  const sweeper = createReservationSweeper(
    {
      ledger: deps.ledger,
      finder: gateway,
      log: options.log,
      now,
      staleAfterMs: config.staleReservationSeconds * 1000,
      metrics: options.metrics,
      ...(deps.afterIssue === undefined ? {} : { afterIssue: deps.afterIssue }),
    },
    config.sweepIntervalSeconds * 1000,
  );
  // With an account table, paths other tools submitted join the account total before the budget decides.
  const reconciler =
    config.accountTableName === undefined
      ? undefined
      : createOutsideReconciler(
          {
            account: new DynamoAccountLedger(clients.dynamo, {
              accountTableName: config.accountTableName,
              retentionDays: config.ledgerRetentionDays,
              now,
            }),
            source: new CloudFrontReconciler(clients.cloudFront),
            log: options.log,
            now,
          },
          config.outsideReconcileSeconds * 1000,
        );
  const collect = async (event: SQSEvent) => {
    await reconciler?.reconcileIfDue();
    const results = await collectBatch(event.Records, { ...deps, routes: await resolveRoutes() });
    await sweeper.sweepIfDue();
    return results;
  };
  const drain = async () => {
    const outcomes = await drainPending({ ...deps, routes: await resolveRoutes() });
    for (const summary of await pending.summarize()) {
      const age = summary.oldestFirstSeenAt === undefined ? 0 : Math.max(0, now() - summary.oldestFirstSeenAt) / 1000;
      options.metrics.count('PendingPaths', summary.paths);
      options.metrics.count('OldestPendingAgeSeconds', Math.round(age));
      if (summary.paths > 0) options.log.info('pending', { ...summary, ageSeconds: Math.round(age) });
    }
    options.powertoolsMetrics?.publishStoredMetrics();
    await sweeper.sweepIfDue();
    return Object.fromEntries(outcomes);
  };
  return {
    collect,
    drain,
    handler: wrapSqsFunction(collect, {
      log: options.log,
      ...(options.powertoolsMetrics === undefined ? {} : { metrics: options.powertoolsMetrics }),
    }),
  };
}
