import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_FAILED_PREFIX } from '../../functions/notifications/handler.ts';
import { ownQueueConfigurations } from '../../shared/deploy/bucket-notifications.ts';
import {
  DELETED_QUEUE,
  type NotificationsHarness,
  notificationProperties,
  otherTeamsConfiguration,
  PREFIX,
  QUEUE,
  startNotificationsHarness,
} from '../helpers/notifications-harness.ts';
import { customResourceEvent } from '../helpers/stack-response-server.ts';
import { createFakeNotificationS3 } from '../helpers/stack-s3-fake.ts';

const BUCKET = 'example-site';
const MARKER = `${CREATE_FAILED_PREFIX}BucketNotificationsExampleSite`;
const properties = (prefixes = ['site/']) => notificationProperties(BUCKET, prefixes);

/** The shared bucket with its other teams' entries, one of them pointing at a deleted queue. */
function sharedBucket(extra: Parameters<typeof createFakeNotificationS3>[1] = {}) {
  const s3 = createFakeNotificationS3({ [BUCKET]: otherTeamsConfiguration() }, extra);
  s3.deleted.add(DELETED_QUEUE);
  return s3;
}

/** The bucket's configuration with our entries taken out again: what the other teams see. */
function theirs(s3: ReturnType<typeof sharedBucket>) {
  const config = structuredClone(s3.buckets.get(BUCKET)?.config ?? {});
  config.QueueConfigurations = config.QueueConfigurations?.filter((entry) => !entry.Id?.startsWith(PREFIX));
  return config;
}

describe('the notifications custom resource beside other teams (Lambda, SQS, SNS, EventBridge, a deleted queue)', () => {
  let harness: NotificationsHarness;

  beforeAll(async () => {
    harness = await startNotificationsHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('adds ours on Create, keeps theirs, and writes past their deleted queue once S3 has tested ours', async () => {
    // Prepare
    const s3 = sharedBucket();
    // Act
    const { response } = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${PREFIX}${BUCKET}` });
    expect(theirs(s3)).toEqual(otherTeamsConfiguration());
    expect(s3.buckets.get(BUCKET)?.config.QueueConfigurations?.at(-1)).toEqual(
      ownQueueConfigurations(PREFIX, QUEUE, ['site/'])[0],
    );
    // The validated write failed on their queue only; the second one skipped the test.
    expect(s3.puts.map((put) => put.skipValidation)).toEqual([true]);
  });

  it('replaces ours on Update and keeps theirs', async () => {
    // Prepare
    const s3 = sharedBucket();
    await harness.run(customResourceEvent('Create', harness.url(), properties()), harness.deps(s3.client));
    const event = customResourceEvent('Update', harness.url(), properties(['site/', 'docs/']), {
      physicalId: `${PREFIX}${BUCKET}`,
      oldProperties: properties(),
    });
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(theirs(s3)).toEqual(otherTeamsConfiguration());
    const ours = s3.buckets.get(BUCKET)?.config.QueueConfigurations?.filter((entry) => entry.Id?.startsWith(PREFIX));
    expect(ours).toEqual(ownQueueConfigurations(PREFIX, QUEUE, ['site/', 'docs/']));
  });

  it('removes only ours on Delete, without S3 testing their deleted queue', async () => {
    // Prepare
    const s3 = sharedBucket();
    await harness.run(customResourceEvent('Create', harness.url(), properties()), harness.deps(s3.client));
    const event = customResourceEvent('Delete', harness.url(), properties(), { physicalId: `${PREFIX}${BUCKET}` });
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Removed: 1 } });
    expect(s3.buckets.get(BUCKET)?.config).toEqual(otherTeamsConfiguration());
    expect(s3.puts.at(-1)?.skipValidation).toBe(true);
  });

  it("fails a Create on another account's bucket with a marker id whose rollback Delete succeeds untouched", async () => {
    // Prepare
    const s3 = sharedBucket({ [BUCKET]: { owner: '999999999999' } });
    // Act
    const created = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    const callsAfterCreate = s3.calls.length;
    const rollback = customResourceEvent('Delete', harness.url(), properties(), {
      physicalId: created.response.PhysicalResourceId,
    });
    const deleted = await harness.run(rollback, harness.deps(s3.client));
    // Assess
    expect(created.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    const reason = created.response.Status === 'FAILED' ? created.response.Reason : '';
    expect(reason).toMatch(/expected a bucket of account 123456789012, got AccessDenied.*params\.dev\.routes/);
    expect(deleted.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: MARKER });
    expect(s3.calls.length).toBe(callsAfterCreate);
    expect(s3.puts).toEqual([]);
  });

  it('fails a Create on a bucket of another region, naming the region param, and writes nothing', async () => {
    // Prepare
    const s3 = sharedBucket({ [BUCKET]: { region: 'eu-west-1' } });
    // Act
    const { response } = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    // Assess
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(response.Status === 'FAILED' && response.Reason).toMatch(
      /expected a bucket in us-east-1 \(the stack's region\), got eu-west-1.*params\.dev\.region/,
    );
    expect(s3.puts).toEqual([]);
  });

  it('fails a Create on a missing bucket, naming routes and createBuckets', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({});
    // Act
    const { response } = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    // Assess
    expect(response.Status === 'FAILED' && response.Reason).toMatch(
      /NoSuchBucket.*params\.dev\.routes.*params\.dev\.createBuckets/,
    );
  });

  it('retries a transient validation failure of our queue with backoff, then writes with the test', async () => {
    // Prepare
    const s3 = sharedBucket();
    s3.deleted.clear();
    s3.failValidationNext(QUEUE, 2);
    harness.sleeps.length = 0;
    // Act
    const { response } = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(harness.sleeps).toEqual([2000, 4000]);
    expect(s3.puts.map((put) => put.skipValidation)).toEqual([false]);
  });

  it('fails when our queue never validates, and leaves no entry of ours behind (not even an older one)', async () => {
    // Prepare: an entry of this stage from an earlier stack, pointing at a queue deleted since.
    const oldQueue = 'arn:aws:sqs:us-east-1:123456789012:invalidator-dev-changes-old';
    const s3 = sharedBucket();
    s3.buckets.get(BUCKET)?.config.QueueConfigurations?.push(...ownQueueConfigurations(PREFIX, oldQueue, ['site/']));
    s3.deleted.add(oldQueue);
    s3.failValidationNext(QUEUE, 100);
    harness.sleeps.length = 0;
    // Act
    const { response } = await harness.run(
      customResourceEvent('Create', harness.url(), properties()),
      harness.deps(s3.client),
    );
    // Assess
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: MARKER });
    expect(response.Status === 'FAILED' && response.Reason).toMatch(
      /DestinationValidationError.*invalidator-dev-changes/,
    );
    expect(harness.sleeps).toEqual([2000, 4000, 8000, 16_000]);
    expect(s3.buckets.get(BUCKET)?.config).toEqual(otherTeamsConfiguration());
  });
  it('switches EventBridge on for delivery: eventbridge, drops entries of ours, keeps theirs, tests nobody', async () => {
    // Prepare
    const s3 = sharedBucket();
    await harness.run(customResourceEvent('Create', harness.url(), properties()), harness.deps(s3.client));
    const { EventBridgeConfiguration: _on, ...withoutEventBridge } = s3.buckets.get(BUCKET)?.config ?? {};
    (s3.buckets.get(BUCKET) as { config: object }).config = withoutEventBridge;
    const event = customResourceEvent(
      'Update',
      harness.url(),
      { ...properties(), Delivery: 'eventbridge' },
      {
        physicalId: `${PREFIX}${BUCKET}`,
        oldProperties: properties(),
      },
    );
    // Act
    const { response } = await harness.run(event, harness.deps(s3.client));
    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Entries: 0, Removed: 1 } });
    expect(s3.buckets.get(BUCKET)?.config).toEqual(otherTeamsConfiguration());
    expect(s3.puts.at(-1)?.skipValidation).toBe(true);
  });
});
