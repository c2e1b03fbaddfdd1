import { describe, expect, it } from 'vitest';
import { checkNotifications, readNotificationChecks } from '../../functions/notifications/check-notifications.ts';
import { ownQueueConfigurations } from '../../shared/deploy/bucket-notifications.ts';
import { otherTeamsConfiguration, PREFIX, QUEUE } from '../helpers/notifications-harness.ts';
import { createFakeNotificationS3, FAKE_ACCOUNT } from '../helpers/stack-s3-fake.ts';

const check = (bucket: string, delivery: 'notifications' | 'eventbridge' = 'notifications') => ({
  bucket,
  idPrefix: PREFIX,
  queueArn: QUEUE,
  prefixes: ['site/', 'my docs/'],
  delivery,
});

describe('checkNotifications', () => {
  it('counts our entries that another writer dropped, and none while they are there', async () => {
    // Prepare
    const ours = ownQueueConfigurations(PREFIX, QUEUE, ['site/', 'my docs/']);
    const s3 = createFakeNotificationS3({
      intact: { ...otherTeamsConfiguration(), QueueConfigurations: [...ours] },
      // A tool that owns the whole configuration wrote it again without our second entry.
      overwritten: { QueueConfigurations: [ours[0] as (typeof ours)[number]] },
    });
    // Act
    const results = await checkNotifications(s3.client, [check('intact'), check('overwritten')], FAKE_ACCOUNT);
    // Assess
    expect(results).toEqual([
      { bucket: 'intact', missing: 0 },
      { bucket: 'overwritten', missing: 1, reason: '1 of 2 entries gone' },
    ]);
  });

  it('checks the EventBridge switch with delivery: eventbridge', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ on: { EventBridgeConfiguration: {} }, off: otherTeamsConfiguration() });
    delete s3.buckets.get('off')?.config.EventBridgeConfiguration;
    // Act
    const results = await checkNotifications(
      s3.client,
      [check('on', 'eventbridge'), check('off', 'eventbridge')],
      FAKE_ACCOUNT,
    );
    // Assess
    expect(results.map((result) => result.missing)).toEqual([0, 1]);
  });

  it('counts everything missing on a bucket it cannot read, so the alarm does not stay quiet', async () => {
    // Prepare
    const s3 = createFakeNotificationS3({ foreign: {} }, { foreign: { owner: '999999999999' } });
    // Act
    const results = await checkNotifications(s3.client, [check('foreign'), check('gone')], FAKE_ACCOUNT);
    // Assess
    expect(results).toEqual([
      { bucket: 'foreign', missing: 2, reason: 'BucketNotificationError' },
      { bucket: 'gone', missing: 2, reason: 'BucketNotificationError' },
    ]);
  });
});

describe('readNotificationChecks', () => {
  it('reads the JSON the stack writes, and nothing from an unset variable', () => {
    // Act & Assess
    expect(readNotificationChecks(JSON.stringify([check('a')]))).toEqual([check('a')]);
    expect(readNotificationChecks(undefined)).toEqual([]);
  });
});
