import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_FAILED_PREFIX } from '../../functions/notifications/handler.ts';
import { ownQueueConfigurations } from '../../shared/deploy/bucket-notifications.ts';
import {
  type NotificationsHarness,
  PREFIX,
  notificationProperties as properties,
  QUEUE,
  startNotificationsHarness,
  TOPIC_ENTRY,
} from '../helpers/notifications-harness.ts';
import { customResourceEvent } from '../helpers/stack-response-server.ts';
import { createFakeNotificationS3, foreignQueueEntry } from '../helpers/stack-s3-fake.ts';

const MARKER = `${CREATE_FAILED_PREFIX}BucketNotificationsExampleSite`;

describe('handleNotificationsRequest', () => {
  let harness: NotificationsHarness;

  beforeAll(async () => {
    harness = await startNotificationsHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('merges our entries on Create and answers SUCCESS on the ResponseURL', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { QueueConfigurations: [foreignQueueEntry('other')] } });
    const event = customResourceEvent('Create', harness.url(), properties('example-site', ['site/']));
    // Act
    const { received } = await harness.run(event, harness.deps(s3.client));
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
    const ids = s3.buckets.get('example-site')?.config.QueueConfigurations?.map((entry) => entry.Id);
    expect(ids).toEqual(['other', `${PREFIX}0`]);
    expect(s3.puts.map((put) => put.skipValidation)).toEqual([false]);
  });

  it('replaces our entries on Update and keeps the physical id', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { TopicConfigurations: [TOPIC_ENTRY] } });
    const create = customResourceEvent('Create', harness.url(), properties('example-site', ['a/']));
    await harness.run(create, harness.deps(s3.client));
    const event = customResourceEvent('Update', harness.url(), properties('example-site', ['a/', 'b/']), {
      physicalId: `${PREFIX}example-site`,
      oldProperties: properties('example-site', ['a/']),
    });
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${PREFIX}example-site` });
    expect(s3.buckets.get('example-site')?.config).toEqual({
      TopicConfigurations: [TOPIC_ENTRY],
      QueueConfigurations: ownQueueConfigurations(PREFIX, QUEUE, ['a/', 'b/']),
    });
  });

  it('answers with a new physical id when Update moves to another bucket', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'old-site': {}, 'new-site': {} });
    const event = customResourceEvent('Update', harness.url(), properties('new-site'), {
      physicalId: `${PREFIX}old-site`,
      oldProperties: properties('old-site'),
    });
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response.PhysicalResourceId).toBe(`${PREFIX}new-site`);
    expect(s3.buckets.get('new-site')?.config.QueueConfigurations).toHaveLength(1);
  });

  it('answers SUCCESS on Delete when the bucket is gone', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({});
    const event = customResourceEvent('Delete', harness.url(), properties(), {
      physicalId: `${PREFIX}example-site`,
    });
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(s3.puts).toHaveLength(0);
  });

  it('answers FAILED with the reason and the marker id when our entries would overlap another one', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': { QueueConfigurations: [foreignQueueEntry('legacy')] } });
    const event = customResourceEvent('Create', harness.url(), properties('example-site', ['']));
    // Act
    const { received } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(received[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(String(received[0]?.body.Reason)).toMatch(/NotificationConflictError.*legacy.*stream-1/);
    expect(s3.puts).toHaveLength(0);
  });

  it('retries while the bucket policy reaches S3, then answers SUCCESS', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': {} });
    s3.failNext('AccessDenied', 2);
    harness.sleeps.length = 0;
    const event = customResourceEvent('Create', harness.url(), properties());
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(harness.sleeps).toEqual([2000, 4000]);
  });

  it('fails a Create with bad properties, then deletes it without touching S3', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({});
    const bad = { QueueArn: QUEUE, IdPrefix: PREFIX };
    // Act
    const created = await harness.run(customResourceEvent('Create', harness.url(), bad), harness.deps(s3.client));
    const physicalId = created.response.PhysicalResourceId;
    const deleteEvent = customResourceEvent('Delete', harness.url(), bad, { physicalId });
    const deleted = await harness.run(deleteEvent, harness.deps(s3.client));
    // Assess
    expect(created.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(deleted.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(s3.calls).toEqual([]);
  });

  it('answers FAILED before Lambda times out when S3 does not answer', async () => {
    // Prepare
    const hanging = { send: () => new Promise<never>(() => {}) } as unknown as Pick<S3Client, 'send'>;
    const event = customResourceEvent('Create', harness.url(), properties());
    // Act
    const { received } = await harness.run(event, harness.deps(hanging, 3050));
    // Assess
    expect(received[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(String(received[0]?.body.Reason)).toMatch(/expected the request to finish/);
  });

  it('retries the response when the ResponseURL answers 503', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ 'example-site': {} });
    harness.failNext(1, 503);
    const event = customResourceEvent('Create', harness.url(), properties());
    // Act
    const { received } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS' });
  });
});
