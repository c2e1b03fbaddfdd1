import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleNotificationsRequest, type NotificationsDeps } from '../../functions/notifications/handler.ts';
import {
  type BucketNotificationConfig,
  mergeOwnEntries,
  NOTIFICATION_EVENTS,
  notificationIdPrefix,
  notificationPrefixes,
  ownQueueConfigurations,
  removeOwnEntries,
} from '../../shared/deploy/bucket-notifications.ts';
import { NotificationConflictError } from '../../shared/deploy/errors.ts';
import { parseRouteConfig } from '../../shared/domain/route-config.ts';
import { customResourceEvent, type ResponseServer, startResponseServer } from '../helpers/stack-response-server.ts';
import { createFakeNotificationS3, foreignQueueEntry } from '../helpers/stack-s3-fake.ts';

const PREFIX = notificationIdPrefix('invalidator', 'dev');
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:invalidator-dev-changes';
const TOPIC_ENTRY = {
  Id: 'ops-topic',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ops',
  Events: ['s3:ObjectRestore:Completed' as const],
};

function properties(bucket = 'example-site', prefixes: string[] = ['']): Record<string, unknown> {
  return { Bucket: bucket, QueueArn: QUEUE, IdPrefix: PREFIX, Prefixes: prefixes };
}

describe('notificationPrefixes', () => {
  it('returns the empty prefix when one route takes the whole bucket', () => {
    // Prepare
    const routes = parseRouteConfig([
      { bucket: 'site', prefix: 'docs/', distributionId: 'E2QWRUHAPOMQZL' },
      { bucket: 'site', distributionId: 'E1OTHERDISTRO1' },
    ]);
    // Act
    const prefixes = notificationPrefixes(routes, 'site');
    // Assess
    expect(prefixes).toEqual(['']);
  });

  it('keeps only the prefixes no other prefix covers, for that bucket only', () => {
    // Prepare
    const routes = parseRouteConfig([
      { bucket: 'site', prefix: 'docs/v2/', distributionId: 'E2QWRUHAPOMQZL' },
      { bucket: 'site', prefix: 'docs/', distributionId: 'E2QWRUHAPOMQZL' },
      { bucket: 'site', prefix: 'blog/', distributionId: 'E2QWRUHAPOMQZL' },
      { bucket: 'other', prefix: 'a/', distributionId: 'E2QWRUHAPOMQZL' },
    ]);
    // Act
    const prefixes = notificationPrefixes(routes, 'site');
    // Assess
    expect(prefixes).toEqual(['blog/', 'docs/']);
  });
});

describe('mergeOwnEntries', () => {
  it('adds our entries and keeps every other entry and setting', () => {
    // Prepare
    const current: BucketNotificationConfig = {
      QueueConfigurations: [foreignQueueEntry('someone-else', 'uploads/')],
      TopicConfigurations: [TOPIC_ENTRY],
      EventBridgeConfiguration: {},
    };
    const own = ownQueueConfigurations(PREFIX, QUEUE, ['site/']);
    // Act
    const merged = mergeOwnEntries(current, own, PREFIX);
    // Assess
    expect(merged.QueueConfigurations).toEqual([foreignQueueEntry('someone-else', 'uploads/'), ...own]);
    expect(merged.TopicConfigurations).toEqual([TOPIC_ENTRY]);
    expect(merged.EventBridgeConfiguration).toEqual({});
    expect(own[0]?.Events).toEqual([...NOTIFICATION_EVENTS]);
  });

  it('replaces our older entries instead of adding to them', () => {
    // Prepare
    const current = { QueueConfigurations: ownQueueConfigurations(PREFIX, QUEUE, ['a/', 'b/']) };
    const own = ownQueueConfigurations(PREFIX, QUEUE, ['']);
    // Act
    const merged = mergeOwnEntries(current, own, PREFIX);
    // Assess
    expect(merged.QueueConfigurations).toEqual(own);
  });

  it('leaves the entries of stage dev-2 alone when merging for stage dev', () => {
    // Prepare
    const dev2 = ownQueueConfigurations(notificationIdPrefix('invalidator', 'dev-2'), QUEUE, ['b/']);
    const own = ownQueueConfigurations(PREFIX, QUEUE, ['a/']);
    // Act
    const merged = mergeOwnEntries({ QueueConfigurations: dev2 }, own, PREFIX);
    // Assess
    expect(merged.QueueConfigurations).toEqual([...dev2, ...own]);
  });

  it('rejects an entry that overlaps another one on the same events', () => {
    // Prepare
    const current = { QueueConfigurations: [foreignQueueEntry('legacy-hook', 'docs/')] };
    const own = ownQueueConfigurations(PREFIX, QUEUE, ['']);
    // Act
    const merge = () => mergeOwnEntries(current, own, PREFIX);
    // Assess
    expect(merge).toThrow(NotificationConflictError);
    expect(merge).toThrow(/legacy-hook/);
  });
});

describe('removeOwnEntries', () => {
  it('removes only the entries with our Id prefix', () => {
    // Prepare
    const current: BucketNotificationConfig = {
      QueueConfigurations: [foreignQueueEntry('someone-else'), ...ownQueueConfigurations(PREFIX, QUEUE, ['site/'])],
      TopicConfigurations: [TOPIC_ENTRY],
    };
    // Act
    const kept = removeOwnEntries(current, PREFIX);
    // Assess
    expect(kept).toEqual({
      QueueConfigurations: [foreignQueueEntry('someone-else')],
      TopicConfigurations: [TOPIC_ENTRY],
    });
  });
});

describe('handleNotificationsRequest', () => {
  let server: ResponseServer;

  beforeAll(async () => {
    server = await startResponseServer();
  });

  afterAll(async () => {
    await server.close();
  });

  const sleeps: number[] = [];

  function depsFor(s3: Pick<S3Client, 'send'>, timeLeftMs = 60_000): NotificationsDeps {
    return {
      s3,
      log: { info: () => {}, error: () => {} },
      timeLeftMs: () => timeLeftMs,
      logStreamName: 'stream-1',
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
  }

  async function run(event: ReturnType<typeof customResourceEvent>, deps: NotificationsDeps) {
    const before = server.received.length;
    const response = await handleNotificationsRequest(event, deps);
    return { response, received: server.received.slice(before) };
  }

  it('merges our entries on Create and answers SUCCESS on the ResponseURL', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { QueueConfigurations: [foreignQueueEntry('other')] } });
    const event = customResourceEvent('Create', server.url(), properties('example-site', ['site/']));
    // Act
    const { received } = await run(event, depsFor(s3.client));
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['content-type']).toBe('');
    expect(received[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${PREFIX}example-site`,
      RequestId: 'request-Create',
      LogicalResourceId: 'BucketNotificationsExampleSite',
      Data: { Entries: 1 },
    });
    const ids = s3.buckets.get('example-site')?.QueueConfigurations?.map((entry) => entry.Id);
    expect(ids).toEqual(['other', `${PREFIX}0`]);
  });

  it('replaces our entries on Update and keeps the physical id', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { TopicConfigurations: [TOPIC_ENTRY] } });
    await run(customResourceEvent('Create', server.url(), properties('example-site', ['a/'])), depsFor(s3.client));
    const event = customResourceEvent('Update', server.url(), properties('example-site', ['a/', 'b/']), {
      physicalId: `${PREFIX}example-site`,
      oldProperties: properties('example-site', ['a/']),
    });
    // Act
    const { response } = await run(event, depsFor(s3.client));
    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${PREFIX}example-site` });
    expect(s3.buckets.get('example-site')).toEqual({
      TopicConfigurations: [TOPIC_ENTRY],
      QueueConfigurations: ownQueueConfigurations(PREFIX, QUEUE, ['a/', 'b/']),
    });
  });

  it('answers with a new physical id when Update moves to another bucket', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'old-site': {}, 'new-site': {} });
    const event = customResourceEvent('Update', server.url(), properties('new-site'), {
      physicalId: `${PREFIX}old-site`,
      oldProperties: properties('old-site'),
    });
    // Act
    const { response } = await run(event, depsFor(s3.client));
    // Assess
    expect(response.PhysicalResourceId).toBe(`${PREFIX}new-site`);
    expect(s3.buckets.get('new-site')?.QueueConfigurations).toHaveLength(1);
  });

  it('removes only our entries on Delete', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({
      'example-site': {
        QueueConfigurations: [foreignQueueEntry('other'), ...ownQueueConfigurations(PREFIX, QUEUE, ['site/'])],
        EventBridgeConfiguration: {},
      },
    });
    const event = customResourceEvent('Delete', server.url(), properties(), { physicalId: `${PREFIX}example-site` });
    // Act
    const { received } = await run(event, depsFor(s3.client));
    // Assess
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS', Data: { Removed: 1 } });
    expect(s3.buckets.get('example-site')).toEqual({
      QueueConfigurations: [foreignQueueEntry('other')],
      EventBridgeConfiguration: {},
    });
  });

  it('answers SUCCESS on Delete when the bucket is gone', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({});
    const event = customResourceEvent('Delete', server.url(), properties(), { physicalId: `${PREFIX}example-site` });
    // Act
    const { response } = await run(event, depsFor(s3.client));
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(s3.puts).toHaveLength(0);
  });

  it('answers FAILED with the reason when our entries would overlap another one', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { QueueConfigurations: [foreignQueueEntry('legacy')] } });
    const event = customResourceEvent('Create', server.url(), properties('example-site', ['']));
    // Act
    const { received } = await run(event, depsFor(s3.client));
    // Assess
    expect(received[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: `${PREFIX}example-site` });
    expect(String(received[0]?.body.Reason)).toMatch(/NotificationConflictError.*legacy.*stream-1/);
    expect(s3.puts).toHaveLength(0);
  });

  it('retries while the bucket policy reaches S3, then answers SUCCESS', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': {} });
    s3.failNext('AccessDenied', 2);
    sleeps.length = 0;
    const event = customResourceEvent('Create', server.url(), properties());
    // Act
    const { response } = await run(event, depsFor(s3.client));
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(sleeps).toEqual([2000, 4000]);
  });

  it('answers FAILED when S3 keeps refusing, naming the operation and the bucket', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': {} });
    s3.failNext('AccessDenied', 10);
    const event = customResourceEvent('Create', server.url(), properties());
    // Act
    const { response } = await run(event, depsFor(s3.client));
    // Assess
    expect(response.Status).toBe('FAILED');
    expect(response.Status === 'FAILED' && response.Reason).toMatch(
      /GetBucketNotificationConfiguration on bucket example-site.*AccessDenied/,
    );
    expect(s3.puts).toHaveLength(0);
  });

  it('fails a Create with bad properties, then deletes it without touching S3', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({});
    const bad = { QueueArn: QUEUE, IdPrefix: PREFIX };
    // Act
    const created = await run(customResourceEvent('Create', server.url(), bad), depsFor(s3.client));
    const physicalId = created.response.PhysicalResourceId;
    const deleted = await run(customResourceEvent('Delete', server.url(), bad, { physicalId }), depsFor(s3.client));
    // Assess
    expect(created.response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'BucketNotificationsExampleSite-not-created',
    });
    expect(deleted.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(s3.puts).toHaveLength(0);
  });

  it('answers FAILED before Lambda times out when S3 does not answer', async () => {
    // Prepare
    const hanging = { send: () => new Promise<never>(() => {}) } as unknown as Pick<S3Client, 'send'>;
    const event = customResourceEvent('Create', server.url(), properties());
    // Act
    const { received } = await run(event, depsFor(hanging, 3050));
    // Assess
    expect(received[0]?.body).toMatchObject({ Status: 'FAILED' });
    expect(String(received[0]?.body.Reason)).toMatch(/expected the request to finish/);
  });

  it('retries the response when the ResponseURL answers 503', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': {} });
    server.failNext(1, 503);
    const event = customResourceEvent('Create', server.url(), properties());
    // Act
    const { received } = await run(event, depsFor(s3.client));
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS' });
  });
});
