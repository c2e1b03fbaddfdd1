import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import type { Log } from '../app/issue-unit.ts';
import { watchInvalidations } from '../app/watch-invalidation.ts';
import type { WatchMetric } from '../app/watch-ports.ts';
import type { ServiceConfig } from '../config.ts';
import { WATCHER_TIMEOUT_SECONDS } from '../deploy/stack-values.ts';
import { API_CALL_DETAIL_TYPE, WATCHED_API_CALLS } from '../domain/api-call-events.ts';
import { wrapSqsFunction } from '../runtime/sqs-handler.ts';
import { createWatcherDeps } from '../runtime/watcher-function.ts';
import type { CloudTrailApiCallEvent } from './cloudfront-emulator/index.ts';
import { type Poller, startPoller } from './event-source-poller.ts';
import { createQueueWithDlq, type LocalQueue } from './local-resources.ts';

/** The watch side of the local stack: watch queue, alert topic, a queue that receives every notice, the watcher. */
export interface LocalWatcher {
  readonly queue: LocalQueue;
  readonly topicArn: string;
  /** Subscribed to the topic (SNS envelopes), so tests and people can read the notices. */
  readonly noticesQueueUrl: string;
  readonly poller: Poller;
  readonly metrics: Map<WatchMetric | 'InvalidationLatency', number>;
  /** Delivers a CloudTrail event as the stage's EventBridge rule would: matching ones go to the watch queue. */
  deliver(event: CloudTrailApiCallEvent): Promise<void>;
}

/**
 * True when the stage's EventBridge rule (serverless.yml `EdgeChangeRule`) matches the event:
 * CloudFront, recorded by CloudTrail, one of the watched calls, no error.
 */
export function matchesEdgeChangeRule(event: CloudTrailApiCallEvent): boolean {
  const detail = event.detail as CloudTrailApiCallEvent['detail'] & { errorCode?: unknown };
  return (
    event.source === 'aws.cloudfront' &&
    event['detail-type'] === API_CALL_DETAIL_TYPE &&
    detail.eventSource === 'cloudfront.amazonaws.com' &&
    (WATCHED_API_CALLS as readonly string[]).includes(detail.eventName) &&
    detail.errorCode === undefined
  );
}

/**
 * Creates the watch queue (with DLQ), the alert topic and a notices queue subscribed to it, and runs
 * the real watcher chain on a poller (batch size 10, as deployed).
 */
export async function startLocalWatcher(options: {
  stage: string;
  config: ServiceConfig;
  clients: { sqs: SQSClient; sns: SNSClient; dynamo: DynamoDBDocumentClient; cloudFront: CloudFrontClient };
  queue: LocalQueue;
  topicArn: string;
  noticesQueueUrl: string;
  log: Log;
  now: () => number;
}): Promise<LocalWatcher> {
  const metrics = new Map<WatchMetric | 'InvalidationLatency', number>();
  const add = (name: WatchMetric | 'InvalidationLatency', value: number) =>
    metrics.set(name, (metrics.get(name) ?? 0) + value);
  const deps = createWatcherDeps({
    config: options.config,
    clients: options.clients,
    log: options.log,
    metrics: { count: add, latency: (ms) => add('InvalidationLatency', ms) },
    now: options.now,
  });
  const handler = wrapSqsFunction((event: SQSEvent) => watchInvalidations(event.Records, deps), { log: options.log });
  const poller = startPoller({
    sqs: options.clients.sqs,
    queueUrl: options.queue.queueUrl,
    queueArn: options.queue.queueArn,
    handler,
    batchSize: 10,
    batchWindowSeconds: 0,
    onError: (error) => options.log.error('watcher invocation failed', { error: (error as Error).name }),
  });
  return {
    queue: options.queue,
    topicArn: options.topicArn,
    noticesQueueUrl: options.noticesQueueUrl,
    poller,
    metrics,
    async deliver(event) {
      if (!matchesEdgeChangeRule(event)) return;
      // An SQS target receives the event itself as the message body.
      await options.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: options.queue.queueUrl, MessageBody: JSON.stringify(event) }),
      );
    },
  };
}

/**
 * The watch resources of a stage: queue + DLQ (visibility 6 x the watcher's timeout), topic, and a
 * notices queue subscribed to the topic.
 */
export async function createWatchResources(
  clients: { sqs: SQSClient; sns: SNSClient },
  stage: string,
  maxReceiveCount: number,
): Promise<{ queue: LocalQueue; topicArn: string; noticesQueueUrl: string }> {
  const queue = await createQueueWithDlq(clients.sqs, `invalidator-${stage}-watch`, {
    visibilityTimeoutSeconds: 6 * WATCHER_TIMEOUT_SECONDS,
    maxReceiveCount,
  });
  const topicArn =
    (await clients.sns.send(new CreateTopicCommand({ Name: `invalidator-${stage}-alerts` }))).TopicArn ?? '';
  const noticesQueueUrl =
    (await clients.sqs.send(new CreateQueueCommand({ QueueName: `invalidator-${stage}-notices` }))).QueueUrl ?? '';
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: noticesQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients.sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: attributes.Attributes?.QueueArn ?? '' }),
  );
  return { queue, topicArn, noticesQueueUrl };
}

/** Holds CloudTrail events until the watcher runs, then delivers each one (tracked, so idle can wait). */
export interface EventRelay {
  readonly push: (event: CloudTrailApiCallEvent) => void;
  connect(deliver: (event: CloudTrailApiCallEvent) => Promise<void>): void;
  /** Resolves when every delivery so far has reached the queue. */
  flush(): Promise<void>;
}

export function createEventRelay(): EventRelay {
  const waiting: CloudTrailApiCallEvent[] = [];
  const pending = new Set<Promise<void>>();
  let target: ((event: CloudTrailApiCallEvent) => Promise<void>) | undefined;
  const send = (event: CloudTrailApiCallEvent) => {
    if (target === undefined) return;
    const delivery = target(event)
      .catch(() => undefined)
      .finally(() => pending.delete(delivery));
    pending.add(delivery);
  };
  return {
    push: (event) => (target === undefined ? waiting.push(event) : send(event)),
    connect(deliver) {
      target = deliver;
      for (const event of waiting.splice(0)) send(event);
    },
    async flush() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
