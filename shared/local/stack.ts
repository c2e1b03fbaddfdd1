import { AsyncLocalStorage } from 'node:async_hooks';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CollectorDeps, CollectorMetric, Log } from '../app/collect-batch.ts';
import { InjectedCrashError } from '../app/errors.ts';
import type { UnitStep } from '../app/issue-unit.ts';
import { readConfig, type ServiceConfig } from '../config.ts';
import { DEFAULT_ERROR_CACHING_SECONDS } from '../domain/new-keys.ts';
import { compileRoutes } from '../domain/routes.ts';
import { createCollectorFunction } from '../runtime/collector-function.ts';
import { type CachingEdge, startCachingEdge } from './caching-edge.ts';
import {
  type CloudFrontEmulator,
  type EmulatedDistribution,
  type EmulatorErrorResponseConfig,
  startCloudFrontEmulator,
} from './cloudfront-emulator/index.ts';
import { type DrainTimer, LOCAL_DRAIN_INTERVAL_MS, startDrainTimer } from './drain-timer.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { type Poller, startPoller } from './event-source-poller.ts';
import { type FauxqsServer, startFauxqsServer } from './fauxqs-server.ts';
import { createBucket, createLedger, createQueueWithDlq, type LocalQueue } from './local-resources.ts';
import {
  createEventRelay,
  createWatchResources,
  type EventRelay,
  type LocalWatcher,
  startLocalWatcher,
} from './local-watcher.ts';
import { type NotificationBridge, startNotificationBridge } from './notification-bridge.ts';

/** What the local stack takes from the stage's serverless.yml params. */
export interface LocalStageSettings {
  readonly stage: string;
  /** Route objects, the same JSON the deployed collector gets in ROUTES. */
  readonly routes: readonly Record<string, unknown>[];
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly maxReceiveCount: number;
  readonly collectorTimeoutSeconds: number;
  /** Concurrent collector invocations (Lambda runs at least two pollers for SQS). */
  readonly maximumConcurrency: number;
  /** Further collector settings as environment variables (budgets, backoff), as deployed. */
  readonly environment: Readonly<Record<string, string>>;
  /** Stage param `delivery`: the bridge sends EventBridge events instead of notifications (default `notifications`). */
  readonly delivery?: 'notifications' | 'eventbridge';
}

/** A running local stack. */
export interface LocalStack {
  readonly settings: LocalStageSettings;
  readonly config: ServiceConfig;
  readonly endpoints: { readonly dynamodb: string; readonly aws: string; readonly cloudfront: string };
  readonly clients: {
    readonly s3: S3Client;
    readonly sqs: SQSClient;
    readonly dynamo: DynamoDBClient;
    readonly cloudFront: CloudFrontClient;
    readonly sns: SNSClient;
  };
  readonly queue: LocalQueue;
  /**
   * With `watch: true`: the watcher on its queue, fed by the collector's checks and by the CloudTrail
   * events of the emulator's calls, as the stage's EventBridge rule feeds it in AWS.
   */
  readonly watcher: LocalWatcher | undefined;
  readonly tableName: string;
  readonly emulator: CloudFrontEmulator;
  /** One caching edge per distribution, by distribution id. */
  readonly edges: ReadonlyMap<string, CachingEdge>;
  readonly bridge: NotificationBridge;
  readonly poller: Poller;
  /**
   * The scheduled drain of the pending set (the deployed stack's `rate(1 minute)` schedule, every
   * `drainIntervalMs` here); undefined when turned off.
   */
  readonly drain: DrainTimer | undefined;
  /** Collector log lines (structured, as they would reach CloudWatch). */
  readonly logs: { level: string; message: string; extra: Record<string, unknown> }[];
  readonly metrics: Map<CollectorMetric, number>;
  /**
   * Invokes the collector directly with `event`, as Lambda would (crash policy included): for events
   * SQS cannot carry locally, such as a 6 MB batch of 10,000 records. A crash rejects the promise.
   */
  invoke(event: SQSEvent): Promise<SQSBatchResponse>;
  /** Runs the collector's scheduled drain of the pending set once, as the schedule would. */
  drainNow(): Promise<Record<string, string>>;
  /** Waits until every change is delivered, processed and its invalidations completed. */
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Decides, at each step of each unit, whether the collector dies there (`true`: the whole invocation
 * fails, nothing acknowledged). The fault suite draws it from a seed.
 */
export type CrashPolicy = (step: UnitStep, unitKey: string) => boolean;

/** Handles one poller batch, given the in-process collector handler. */
export type PollerHandler = (
  event: SQSEvent,
  local: (event: SQSEvent) => Promise<SQSBatchResponse>,
) => Promise<SQSBatchResponse>;

/** Crash `times` times at `step`, or wherever a policy says. */
export type CrashOption = { readonly step: UnitStep; readonly times: number } | CrashPolicy;

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const REGION = 'us-east-1';

/**
 * Starts the whole pipeline on loopback ports: DynamoDB Local, fauxqs (SQS + S3), the CloudFront
 * emulator, the stage's queue + DLQ, table, buckets and distributions, the S3 -> SQS notification
 * bridge, an event-source poller running the real collector chain, and a caching edge per distribution.
 * Everything stops in `stop()`, also when start-up fails half-way.
 */
export async function startLocalStack(options: {
  settings: LocalStageSettings;
  completionDelayMs?: number;
  /** Milliseconds from a Create/UpdateDistribution to Deployed (default 1000). */
  deployDelayMs?: number;
  /** Run the watcher too (watch queue, alert topic, CloudTrail events of the emulator). */
  watch?: boolean;
  /** Kill the collector (the whole invocation, nothing acknowledged) at this step, `times` times. */
  crash?: CrashOption;
  /** The clock of the collector, the CloudFront emulator and the edges (default `Date.now`). */
  now?: () => number;
  /**
   * Milliseconds between scheduled drains of the pending set (default {@link LOCAL_DRAIN_INTERVAL_MS};
   * the deployed schedule runs every minute); 0 turns the schedule off.
   */
  drainIntervalMs?: number;
  /**
   * Every distribution's CustomErrorResponses (`ErrorCachingMinTTL` per error code): the edges cache a
   * 403/404 that long and the collector reads it as the new-key wait. Default none: CloudFront's 10 s.
   */
  customErrorResponses?: readonly EmulatorErrorResponseConfig[];
  /**
   * Stamp S3 event times with `now` rather than the wall clock, so a stack whose clock is moved sees
   * creations at the times it lives in (new-key evidence compares them with the error-caching TTL).
   * Off by default: the fault suite's virtual months keep wall-clock event times.
   */
  stampEventsWithClock?: boolean;
  /**
   * Runs the poller's invocations instead of the in-process collector (`local`), e.g. in a child process
   * the fault suite kills; direct `invoke` calls stay in process.
   */
  pollerHandler?: PollerHandler;
}): Promise<LocalStack> {
  const { settings } = options;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const [dynamoServer, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer({ watchS3: true })]);
    stops.push(
      () => dynamoServer.stop(),
      () => fauxqs.stop(),
    );
    // CloudTrail events of the emulator's calls, delivered once the watcher runs (EventBridge's rule).
    const events = options.watch === true ? createEventRelay() : undefined;
    const emulator = await startCloudFrontEmulator({
      distributions: distributionsOf(settings.routes).map((distribution) => ({
        ...distribution,
        customErrorResponses: options.customErrorResponses ?? [],
      })),
      completionDelayMs: options.completionDelayMs ?? 1000,
      deployDelayMs: options.deployDelayMs ?? 1000,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(events === undefined ? {} : { onApiCall: events.push }),
    });
    stops.push(() => emulator.stop());
    const now = options.now ?? Date.now;
    return await assemble(settings, { dynamoServer, fauxqs, emulator }, stops, stopAll, {
      crash: options.crash,
      now,
      watch: events,
      drainIntervalMs: options.drainIntervalMs ?? LOCAL_DRAIN_INTERVAL_MS,
      stampEvents: options.stampEventsWithClock === true,
      pollerHandler: options.pollerHandler,
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function assemble(
  settings: LocalStageSettings,
  servers: { dynamoServer: DynamoDbLocal; fauxqs: FauxqsServer; emulator: CloudFrontEmulator },
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
  options: {
    crash: CrashOption | undefined;
    now: () => number;
    watch: EventRelay | undefined;
    drainIntervalMs: number;
    stampEvents: boolean;
    pollerHandler: PollerHandler | undefined;
  },
): Promise<LocalStack> {
  const { now } = options;
  const { dynamoServer, fauxqs, emulator } = servers;
  const base = { region: REGION, credentials: CREDENTIALS } as const;
  const clients = {
    s3: new S3Client({ ...base, endpoint: fauxqs.endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...base, endpoint: fauxqs.endpoint }),
    dynamo: new DynamoDBClient({ ...base, endpoint: dynamoServer.endpoint }),
    cloudFront: new CloudFrontClient({ ...base, endpoint: emulator.endpoint }),
    sns: new SNSClient({ ...base, endpoint: fauxqs.endpoint }),
  };
  stops.push(async () => {
    for (const client of Object.values(clients)) client.destroy();
  });
  const tableName = `invalidator-${settings.stage}-ledger`;
  const queue = await createQueueWithDlq(clients.sqs, `invalidator-${settings.stage}-changes`, {
    visibilityTimeoutSeconds: settings.collectorTimeoutSeconds * 6,
    maxReceiveCount: settings.maxReceiveCount,
  });
  await createLedger(clients.dynamo, tableName);
  const buckets = [...new Set(settings.routes.map((route) => String(route.bucket)))];
  for (const bucket of buckets) await createBucket(clients.s3, bucket);

  const watch =
    options.watch === undefined
      ? undefined
      : await createWatchResources(clients, settings.stage, settings.maxReceiveCount);
  const config = readConfig({
    ...settings.environment,
    STAGE: settings.stage,
    TABLE_NAME: tableName,
    ROUTES: JSON.stringify(settings.routes),
    QUEUE_URL: queue.queueUrl,
    S3_FORCE_PATH_STYLE: 'true',
    ...(watch === undefined ? {} : { WATCH_QUEUE_URL: watch.queue.queueUrl, TOPIC_ARN: watch.topicArn }),
    FUNCTION_TIMEOUT_SECONDS: String(settings.collectorTimeoutSeconds),
  });
  const logs: LocalStack['logs'] = [];
  const metrics = new Map<CollectorMetric, number>();
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    logs.push({ level, message, extra: extra ?? {} });
  };
  const log: Log = { info: at('info'), warn: at('warn'), error: at('error') };
  // An injected crash fails the whole invocation, like a Lambda that dies: side effects done up to
  // that step stay, nothing is acknowledged, and the batch returns after its visibility timeout.
  // The flag lives per invocation: concurrent invocations must not die of each other's crash.
  const shouldCrash = crashPolicyOf(options.crash);
  const invocation = new AsyncLocalStorage<{ crashed: boolean }>();
  const checkpoint: CollectorDeps['checkpoint'] = (step, unitKey) => {
    const state = invocation.getStore();
    if (state === undefined || !shouldCrash(step, unitKey)) return;
    state.crashed = true;
    throw new InjectedCrashError(`collector killed at ${step} for unit ${unitKey}`, { retryable: true });
  };
  const collector = createCollectorFunction({
    config,
    clients: {
      ...clients,
      dynamo: DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    },
    log,
    metrics: { count: (name, value) => metrics.set(name, (metrics.get(name) ?? 0) + value) },
    checkpoint,
    now,
  });
  const handler = (event: SQSEvent) =>
    invocation.run({ crashed: false }, async () => {
      const response = await collector.handler(event);
      if (invocation.getStore()?.crashed)
        throw new InjectedCrashError('collector invocation died', { retryable: true });
      return response;
    });
  const { pollerHandler } = options;
  const bridge = startNotificationBridge({
    fauxqs,
    s3: clients.s3,
    sqs: clients.sqs,
    targets: buckets.map((bucket) => ({ bucket, queueUrl: queue.queueUrl })),
    format: settings.delivery ?? 'notifications',
    ...(options.stampEvents ? { now } : {}),
  });
  const poller = startPoller({
    sqs: clients.sqs,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    handler: pollerHandler === undefined ? handler : (event) => pollerHandler(event, handler),
    batchSize: settings.batchSize,
    batchWindowSeconds: settings.batchWindowSeconds,
    concurrency: settings.maximumConcurrency,
    onError: (error) =>
      log.error('collector invocation failed', { error: (error as Error).name, reason: (error as Error).message }),
  });
  stops.push(() => poller.stop());
  const onDrainError = (error: unknown) =>
    log.error('scheduled drain failed', { error: (error as Error).name, reason: (error as Error).message });
  const drain =
    options.drainIntervalMs > 0 ? startDrainTimer(collector.drain, options.drainIntervalMs, onDrainError) : undefined;
  if (drain !== undefined) stops.push(() => drain.stop());
  let watcher: LocalWatcher | undefined;
  if (watch !== undefined && options.watch !== undefined) {
    const relay = options.watch;
    const document = DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    const started = await startLocalWatcher({
      stage: settings.stage,
      config,
      clients: { sqs: clients.sqs, sns: clients.sns, dynamo: document, cloudFront: clients.cloudFront },
      ...watch,
      log,
      now,
    });
    watcher = started;
    stops.push(() => started.poller.stop());
    relay.connect((event) => started.deliver(event));
  }
  const edges = new Map<string, CachingEdge>();
  const table = compileRoutes(settings.routes);
  for (const route of table.routes) {
    if (edges.has(route.distributionId)) continue;
    const edge = await startCachingEdge({
      origin: {
        distributionId: route.distributionId,
        bucket: route.config.bucket,
        originPath: route.config.originPath,
        indexDocument: route.config.indexDocument,
        indexNoSlash: route.config.indexNoSlash,
      },
      s3: clients.s3,
      invalidations: (id) => emulator.invalidations(id),
      errorCachingMs: (id, status) => errorCachingMsOf(emulator.distributions, id, status),
      now,
    });
    edges.set(route.distributionId, edge);
    stops.push(() => edge.stop());
  }

  return {
    settings,
    config,
    endpoints: { dynamodb: dynamoServer.endpoint, aws: fauxqs.endpoint, cloudfront: emulator.endpoint },
    clients,
    queue,
    watcher,
    tableName,
    emulator,
    edges,
    bridge,
    poller,
    drain,
    logs,
    metrics,
    invoke: handler,
    drainNow: () => collector.drain(),
    async waitForIdle({ timeoutMs = 90_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      await bridge.flush();
      await poller.drain({ timeoutMs });
      while (emulator.invalidations().some((invalidation) => invalidation.status !== 'Completed')) {
        if (Date.now() > deadline) throw new Error(`invalidations still in progress after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (watcher !== undefined) {
        await options.watch?.flush();
        await watcher.poller.drain({ timeoutMs: Math.max(1000, deadline - Date.now()) });
      }
    },
    stop: stopAll,
  };
}

function crashPolicyOf(crash: CrashOption | undefined): CrashPolicy {
  if (crash === undefined) return () => false;
  if (typeof crash === 'function') return crash;
  let left = crash.times;
  return (step) => {
    if (step !== crash.step || left <= 0) return false;
    left--;
    return true;
  };
}

/** The distribution's `ErrorCachingMinTTL` for `status` as it is now, ms; CloudFront's 10 s when it sets none. */
function errorCachingMsOf(distributions: readonly EmulatedDistribution[], id: string, status: number): number {
  const responses = distributions.find((distribution) => distribution.id === id)?.customErrorResponses ?? [];
  const seconds = responses.find((response) => response.errorCode === status)?.errorCachingMinTtl;
  return (seconds ?? DEFAULT_ERROR_CACHING_SECONDS) * 1000;
}

function distributionsOf(routes: readonly Record<string, unknown>[]) {
  const byId = new Map<string, { id: string; origins: { id: string; domainName: string; originPath: string }[] }>();
  for (const route of routes) {
    const id = String(route.distributionId);
    const bucket = String(route.bucket);
    const entry = byId.get(id) ?? { id, origins: [] };
    if (!entry.origins.some((origin) => origin.id === bucket)) {
      entry.origins.push({
        id: bucket,
        domainName: `${bucket}.s3.${REGION}.amazonaws.com`,
        originPath: String(route.originPath ?? ''),
      });
    }
    byId.set(id, entry);
  }
  return [...byId.values()];
}
