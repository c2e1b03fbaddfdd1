import { encodeS3EventKey } from '../../shared/local/notification-bridge.ts';
import { SITES } from './topology.ts';

/** Kinds of bad or crafted input a run sends straight to the queue. */
export const POISON_KINDS = [
  'not-json',
  'empty',
  'wrong-shape',
  'records-not-array',
  'record-not-s3',
  'ignored-event',
  'bad-encoding',
  'unknown-bucket',
  'sns-bad-inner',
  'test-event',
  'deep-nesting',
  'huge-junk-body',
  'huge-key',
  'star-key',
  'padded-valid-body',
] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

/** One crafted message and what the collector must do with it. */
export interface PoisonMessage {
  readonly kind: PoisonKind;
  readonly body: string;
  /**
   * `acknowledged`: junk, deleted on first sight and never retried; `processed`: crafted but a valid
   * S3 event (a key no S3 would hold, a body near 256 KB), handled like any change.
   */
  readonly expect: 'acknowledged' | 'processed';
}

/** Largest SQS message body: 256 KB. */
export const MAX_BODY_BYTES = 262_144;

/**
 * Builds one poison message. Bodies stay within SQS's 256 KB, since the queue would refuse more.
 *
 * @param kind - what to craft
 * @param prefix - the run's key prefix (crafted keys stay inside the run)
 * @param index - makes keys unique within the run
 */
export function buildPoison(kind: PoisonKind, prefix: string, index: number): PoisonMessage {
  const junk = (body: string): PoisonMessage => ({ kind, body, expect: 'acknowledged' });
  switch (kind) {
    case 'not-json':
      return junk('{"Records": [ this is not json');
    case 'empty':
      return junk('""');
    case 'wrong-shape':
      return junk(JSON.stringify({ hello: 'world', Records: undefined, n: index }));
    case 'records-not-array':
      return junk(JSON.stringify({ Records: { eventSource: 'aws:s3' } }));
    case 'record-not-s3':
      return junk(JSON.stringify({ Records: [{ eventSource: 'aws:sqs', body: 'x' }, 42, null] }));
    case 'ignored-event':
      return junk(notification(SITES.site, `${prefix}/restored-${index}.html`, 'ObjectRestore:Completed'));
    case 'bad-encoding':
      return junk(notification(SITES.site, `${prefix}/bad-%E0%A4%A-${index}`, 'ObjectCreated:Put', true));
    case 'unknown-bucket':
      return junk(notification('someone-elses-bucket', `${prefix}/x-${index}.html`, 'ObjectCreated:Put'));
    case 'sns-bad-inner':
      return junk(JSON.stringify({ Type: 'Notification', Message: '{not json', TopicArn: 'arn:aws:sns:x' }));
    case 'test-event':
      return junk(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: SITES.site }));
    case 'deep-nesting':
      return junk(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    case 'huge-junk-body':
      return junk('x'.repeat(MAX_BODY_BYTES));
    case 'huge-key':
      // No S3 key is this long (1,024 bytes at most); its path passes CloudFront's 4,000 characters.
      return {
        kind,
        body: notification(SITES.site, `${prefix}/huge-${index}/${'k'.repeat(4_100)}`, 'ObjectRemoved:Delete'),
        expect: 'processed',
      };
    case 'star-key':
      return {
        kind,
        body: notification(SITES.site, `${prefix}/crafted-${index}/*?#ü*`, 'ObjectRemoved:Delete'),
        expect: 'processed',
      };
    case 'padded-valid-body':
      return { kind, body: paddedNotification(`${prefix}/padded-${index}.html`), expect: 'processed' };
  }
}

/**
 * An S3 notification body for one key, as S3 writes it (form-encoded key).
 *
 * @param raw - write `key` as it is, without encoding (a malformed escape)
 */
export function notification(bucket: string, key: string, eventName: string, raw = false): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date(0).toISOString(),
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: raw ? key : encodeS3EventKey(key), sequencer: '0000000000000000001' },
        },
      },
    ],
  });
}

/** A valid notification for a key that does not exist (a delete), padded to just under 256 KB. */
function paddedNotification(key: string): string {
  const base = JSON.parse(notification(SITES.site, key, 'ObjectRemoved:Delete')) as {
    Records: Record<string, unknown>[];
  };
  const bare = JSON.stringify(base).length;
  (base.Records[0] as Record<string, unknown>).padding = 'p'.repeat(MAX_BODY_BYTES - bare - 32);
  return JSON.stringify(base);
}
