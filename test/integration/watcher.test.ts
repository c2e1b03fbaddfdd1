import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CloudFrontDistributions } from '../../shared/adapters/cloudfront-distributions.ts';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { DynamoWatchMarks } from '../../shared/adapters/dynamodb-watch-marks.ts';
import { NotificationError, SnsNotifier } from '../../shared/adapters/sns-notifier.ts';
import { LEDGER_STATUS, type LedgerEntry } from '../../shared/app/ports.ts';
import { type WatchRecord, watchInvalidations } from '../../shared/app/watch-invalidation.ts';
import type { Notifier, WatchDeps, WatchMessage, WatchMetric } from '../../shared/app/watch-ports.ts';
import type { NotifyLevel } from '../../shared/domain/notices.ts';
import {
  DEFAULT_DEPLOY_SCHEDULE,
  DEFAULT_WATCH_SCHEDULE,
  type WatchSchedule,
} from '../../shared/domain/watch-policy.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import {
  createCloudFrontClient,
  createDynamoClient,
  createSnsClient,
  createSqsClient,
  uniqueName,
} from '../helpers/aws-clients.ts';
import { captureLog, createLedgerTable, readMonth } from '../helpers/collector.ts';
import { setEnv } from '../helpers/env.ts';

const SITE = 'E1SITE0000000A';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const MONTH = '2026-11';
const COMPLETION_MS = 120_000;

interface Notification {
  readonly subject: string;
  readonly message: string;
  readonly kind: string;
}

describe('watchInvalidations', () => {
  let clock = NOW;
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let sqs: SQSClient;
  let sns: SNSClient;
  let tableName: string;
  let watchQueue: { url: string; name: string };
  let allNotices: string;
  let failureNotices: string;
  let topicArn: string;
  let sequence = 0;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] }],
      completionDelayMs: COMPLETION_MS,
      now: () => clock,
    });
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
    sqs = createSqsClient();
    sns = createSnsClient();
  });

  afterAll(async () => {
    for (const client of [cloudFront, dynamo, sqs, sns]) client.destroy();
    await emulator.stop();
  });

  beforeEach(async () => {
    clock = NOW;
    emulator.reset();
    tableName = await createLedgerTable(dynamo);
    watchQueue = await createQueue(uniqueName('watch'));
    allNotices = (await createQueue(uniqueName('notices'))).url;
    failureNotices = (await createQueue(uniqueName('failures'))).url;
    topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }))).TopicArn ?? '';
    await subscribe(allNotices);
    // As docs/operations.md tells people to subscribe for failures only.
    await subscribe(failureNotices, JSON.stringify({ kind: ['timed-out'] }));
  });

  async function createQueue(name: string): Promise<{ url: string; name: string }> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    return { url, name };
  }

  async function subscribe(queueUrl: string, filterPolicy?: string): Promise<void> {
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn ?? '',
        ...(filterPolicy === undefined ? {} : { Attributes: { FilterPolicy: filterPolicy } }),
      }),
    );
  }

  /** Issues a real invalidation on the emulator and records it with the real ledger, as the collector does. */
  async function issue(
    options: { firstEventAt?: number } = {},
  ): Promise<{ entry: LedgerEntry; message: WatchMessage }> {
    const unitKey = `${'0'.repeat(31)}${++sequence}`.slice(-32);
    const paths = Array.from({ length: 7 }, (_, i) => `/docs/page-${i}.html`);
    const gateway = new CloudFrontGateway(cloudFront, { inFlightCacheMs: 0, now: () => clock });
    const { invalidationId } = await gateway.createInvalidation(SITE, `inv-${unitKey}`, paths);
    const ledger = new DynamoLedger(DynamoDBDocumentClient.from(dynamo), { tableName, retentionDays: 30 });
    const entry: LedgerEntry = {
      unitKey,
      month: MONTH,
      day: 21,
      distributionId: SITE,
      callerReference: `inv-${unitKey}`,
      status: LEDGER_STATUS.reserved,
      plan: { paths, exactPaths: paths.length, wildcardPaths: 0, changed: 9, collateral: null },
      messageCount: 3,
      changedObjects: 9,
      source: 'collector',
      reservedAt: clock,
      ...(options.firstEventAt === undefined ? {} : { firstEventAt: options.firstEventAt }),
    };
    await ledger.reserve(entry, {});
    await ledger.markIssued(entry, invalidationId, clock);
    const message: WatchMessage = {
      distributionId: SITE,
      invalidationId,
      unitKey,
      month: MONTH,
      attempt: 1,
      since: clock,
    };
    return { entry, message };
  }

  function buildDeps(overrides: { notify?: NotifyLevel; schedule?: WatchSchedule; notifier?: Notifier } = {}) {
    const counts = new Map<WatchMetric | 'InvalidationLatency', number>();
    const add = (name: WatchMetric | 'InvalidationLatency', value: number) =>
      counts.set(name, (counts.get(name) ?? 0) + value);
    const deps: WatchDeps = {
      ledger: new DynamoWatchLedger(DynamoDBDocumentClient.from(dynamo), { tableName }),
      marks: new DynamoWatchMarks(DynamoDBDocumentClient.from(dynamo), { tableName }),
      invalidations: new CloudFrontGateway(cloudFront, { inFlightCacheMs: 0, now: () => clock }),
      distributions: new CloudFrontDistributions(cloudFront),
      isWatched: () => true,
      deploySchedule: DEFAULT_DEPLOY_SCHEDULE,
      queue: {
        send: async (message, delaySeconds) => {
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: watchQueue.url,
              MessageBody: JSON.stringify(message),
              DelaySeconds: delaySeconds,
            }),
          );
        },
      },
      notifier: overrides.notifier ?? new SnsNotifier(sns, topicArn),
      notify: overrides.notify ?? 'all',
      schedule: overrides.schedule ?? DEFAULT_WATCH_SCHEDULE,
      notifyLeaseMs: 120_000,
      log: captureLog(),
      metrics: { count: add, latency: (ms) => add('InvalidationLatency', ms) },
      now: () => clock,
    };
    return { deps, counts };
  }

  function record(message: WatchMessage, messageId = uniqueName('msg')): WatchRecord {
    return { messageId, body: JSON.stringify(message) };
  }

  async function drain(queueUrl: string): Promise<Notification[]> {
    const found: Notification[] = [];
    for (;;) {
      const page = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if ((page.Messages ?? []).length === 0) return found;
      for (const message of page.Messages ?? []) {
        const envelope = JSON.parse(message.Body ?? '{}') as {
          Subject: string;
          Message: string;
          MessageAttributes: { kind: { Value: string } };
        };
        found.push({
          subject: envelope.Subject,
          message: envelope.Message,
          kind: envelope.MessageAttributes.kind.Value,
        });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
      }
    }
  }

  /** The watch queue's delayed messages, read without consuming them (fauxqs inspection endpoint). */
  async function delayedChecks(): Promise<{ message: WatchMessage; delaySeconds: number }[]> {
    const response = await fetch(`${inject('awsEndpoint')}/_fauxqs/queues/${watchQueue.name}`);
    const { messages } = (await response.json()) as {
      messages: { ready: unknown[]; delayed: { body: string; sentTimestamp: number; delayUntil: number }[] };
    };
    expect(messages.ready).toHaveLength(0);
    return messages.delayed.map((item) => ({
      message: JSON.parse(item.body) as WatchMessage,
      delaySeconds: Math.round((item.delayUntil - item.sentTimestamp) / 1000),
    }));
  }

  async function ledgerItem(unitKey: string): Promise<Record<string, unknown> | undefined> {
    return (await readMonth(dynamo, tableName, MONTH)).find((item) => item.sk === `INV#${unitKey}`);
  }

  describe('an invalidation that completes', () => {
    it('records completion and latency and publishes one notification, also for duplicated checks', async () => {
      // Prepare
      const { entry, message } = await issue({ firstEventAt: NOW - 10_000 });
      const { deps, counts } = buildDeps();
      clock = NOW + COMPLETION_MS + 30_000;

      // Act: the same check delivered twice at once, then redelivered later
      const first = await watchInvalidations([record(message), record(message)], deps);
      clock += 60_000;
      const later = await watchInvalidations([record(message)], deps);

      // Assess
      expect([...first, ...later].every((result) => result.status === 'fulfilled')).toBe(true);
      const item = await ledgerItem(entry.unitKey);
      expect(item?.status).toBe('completed');
      expect(item?.completedAt).toBe(NOW + COMPLETION_MS + 30_000);
      expect(item?.latencyMs).toBe(COMPLETION_MS + 40_000);
      expect(typeof item?.notifiedAt).toBe('number');
      const notices = await drain(allNotices);
      expect(notices).toHaveLength(1);
      expect(notices[0]?.kind).toBe('completed');
      expect(notices[0]?.subject).toBe(`CloudFront invalidation completed: ${SITE} in 2 min 40 s`);
      expect(notices[0]?.message).toContain(`Invalidation ${message.invalidationId} on distribution ${SITE}`);
      expect(notices[0]?.message).toContain('Paths: 7, changed objects: 9 (source: collector)');
      expect(notices[0]?.message).not.toContain('/docs/');
      expect(notices[0]?.message).toContain('Month 2026-11 so far: 7 paths, $0.00 (993 free paths left).');
      expect(counts.get('InvalidationCompleted')).toBe(1);
      expect(counts.get('InvalidationLatency')).toBe(COMPLETION_MS + 40_000);
      expect(await drain(failureNotices)).toHaveLength(0);
    });

    it('publishes on the retry when the first publish failed, and only once', async () => {
      // Prepare
      const { entry, message } = await issue();
      const real = new SnsNotifier(sns, topicArn);
      let failures = 1;
      const flaky: Notifier = {
        publish: async (notice) => {
          if (failures-- > 0) throw new NotificationError('SNS Publish failed: Throttling', { retryable: true });
          await real.publish(notice);
        },
      };
      const { deps } = buildDeps({ notifier: flaky });
      clock = NOW + COMPLETION_MS;
      const check = record(message);

      // Act: SQS redelivers the failed record, and a duplicate arrives after that
      const first = await watchInvalidations([check], deps);
      const retry = await watchInvalidations([check], deps);
      const duplicate = await watchInvalidations([record(message)], deps);

      // Assess
      expect(first[0]?.status).toBe('rejected');
      expect(retry[0]).toEqual({ status: 'fulfilled', value: { kind: 'completed', notification: 'sent' } });
      expect(duplicate[0]).toEqual({ status: 'fulfilled', value: { kind: 'completed', notification: 'already-sent' } });
      expect((await ledgerItem(entry.unitKey))?.status).toBe('completed');
      expect(await drain(allNotices)).toHaveLength(1);
    });

    it('records completion without notifying at NOTIFY=failures', async () => {
      // Prepare
      const { entry, message } = await issue();
      const { deps } = buildDeps({ notify: 'failures' });
      clock = NOW + COMPLETION_MS;

      // Act
      const results = await watchInvalidations([record(message)], deps);

      // Assess
      expect(results[0]).toEqual({ status: 'fulfilled', value: { kind: 'completed', notification: 'not-wanted' } });
      expect((await ledgerItem(entry.unitKey))?.status).toBe('completed');
      expect(await drain(allNotices)).toHaveLength(0);
    });
  });

  describe('an invalidation still in progress', () => {
    it('schedules the next check once, with the next delay of the schedule', async () => {
      // Prepare: the first check runs a minute after issuing, before CloudFront completes
      const { message } = await issue();
      const { deps, counts } = buildDeps();
      clock = NOW + 60_000;

      // Act: two copies of the same check (a duplicate send) arrive together
      const results = await watchInvalidations([record(message), record(message)], deps);

      // Assess
      const outcomes = results
        .map((result) => (result.status === 'fulfilled' ? result.value?.kind : 'rejected'))
        .sort();
      expect(outcomes).toEqual(['duplicate-check', 'rescheduled']);
      const checks = await delayedChecks();
      expect(checks).toEqual([{ message: { ...message, attempt: 2 }, delaySeconds: 30 }]);
      expect(counts.get('WatchRechecks')).toBe(1);
      expect(await drain(allNotices)).toHaveLength(0);
    });
  });

  describe('an invalidation that never completes', () => {
    it('marks it timed out and reports it once, without another check', async () => {
      // Prepare: a 2-minute bound, and the check after it finds the invalidation still in progress
      emulator.setCompletionDelay('never');
      const { entry, message } = await issue();
      const { deps, counts } = buildDeps({ schedule: { ...DEFAULT_WATCH_SCHEDULE, maxWaitSeconds: 120 } });
      const last = { ...message, attempt: 2 };
      clock = NOW + 121_000;

      // Act: the last check arrives twice, and once more later
      const first = await watchInvalidations([record(last), record(last)], deps);
      clock += 600_000;
      const later = await watchInvalidations([record(last)], deps);

      // Assess
      expect([...first, ...later].every((result) => result.status === 'fulfilled')).toBe(true);
      const item = await ledgerItem(entry.unitKey);
      expect(item?.status).toBe('timed-out');
      expect(item?.timedOutAt).toBe(NOW + 121_000);
      expect(item?.completedAt).toBeUndefined();
      const failures = await drain(failureNotices);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.subject).toBe(`CloudFront invalidation NOT completed after 2 min 1 s: ${SITE}`);
      expect(await drain(allNotices)).toHaveLength(1);
      expect(counts.get('InvalidationTimedOut')).toBe(1);
      expect(await delayedChecks()).toHaveLength(0);
    });
  });

  describe('the deployed handler', () => {
    it('checks through the wired clients and answers with no batch item failures', async () => {
      // Prepare: the handler reads its configuration and endpoints from the environment, like in Lambda
      emulator.setCompletionDelay(0);
      const { entry, message } = await issue();
      const restore = setEnv({
        STAGE: 'test',
        TABLE_NAME: tableName,
        WATCH_QUEUE_URL: watchQueue.url,
        TOPIC_ARN: topicArn,
        NOTIFY: 'all',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_ENDPOINT_URL_SQS: inject('awsEndpoint'),
        AWS_ENDPOINT_URL_SNS: inject('awsEndpoint'),
        AWS_ENDPOINT_URL_CLOUDFRONT: emulator.endpoint,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      });
      try {
        const { handler } = await import('../../functions/watcher/handler.ts');
        const event = {
          Records: [{ ...record(message), attributes: {}, messageAttributes: {} }],
        } as unknown as SQSEvent;

        // Act
        const response = await handler(event);

        // Assess
        expect(response).toEqual({ batchItemFailures: [] });
        expect((await ledgerItem(entry.unitKey))?.status).toBe('completed');
        expect(await drain(allNotices)).toHaveLength(1);
      } finally {
        restore();
      }
    });
  });

  describe('a message that is no check', () => {
    it('is acknowledged and logged, never retried', async () => {
      // Prepare
      const { deps } = buildDeps();

      // Act
      const results = await watchInvalidations([{ messageId: 'm-1', body: '{"hello":"world"}' }], deps);

      // Assess
      expect(results[0]).toEqual({ status: 'fulfilled', value: undefined });
      const log = deps.log as ReturnType<typeof captureLog>;
      expect(log.lines.some((line) => line.message === 'watch check dropped' && line.extra.messageId === 'm-1')).toBe(
        true,
      );
    });
  });
});
