import { describe, expect, it } from 'vitest';
import {
  type BucketNotificationConfig,
  encodeFilterValue,
  mergeOwnEntries,
  NOTIFICATION_EVENTS,
  notificationIdPrefix,
  notificationPrefixes,
  ownQueueConfigurations,
  removeOwnEntries,
} from '../../shared/deploy/bucket-notifications.ts';
import { NotificationConflictError } from '../../shared/deploy/errors.ts';
import { parseRouteConfig } from '../../shared/domain/route-config.ts';
import { foreignQueueEntry } from '../helpers/stack-s3-fake.ts';

const PREFIX = notificationIdPrefix('invalidator', 'dev');
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:invalidator-dev-changes';
const TOPIC_ENTRY = {
  Id: 'ops-topic',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ops',
  Events: ['s3:ObjectRestore:Completed' as const],
};

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

describe('encodeFilterValue', () => {
  it('encodes a prefix the way S3 writes keys in its events: space as +, specials percent-encoded', () => {
    // Act
    const encoded = ['docs/', 'my docs/', 'a+b/', 'test=abc/', 'caf\u00e9/', "it's (new)/"].map(encodeFilterValue);
    // Assess
    expect(encoded).toEqual(['docs/', 'my+docs/', 'a%2Bb/', 'test%3Dabc/', 'caf%C3%A9/', 'it%27s+%28new%29/']);
  });

  it('writes our queue entries with the encoded prefix', () => {
    // Act
    const [entry] = ownQueueConfigurations(PREFIX, QUEUE, ['my docs/']);
    // Assess
    expect(entry?.Filter?.Key?.FilterRules).toEqual([{ Name: 'prefix', Value: 'my+docs/' }]);
  });
});
