import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Factories for the messages the collector receives, shaped like the real thing:
 * S3 event notifications (form-encoded keys, sequencer, eventName), SQS records, SNS envelopes,
 * EventBridge events and `s3:TestEvent`. Ids and sequencers come from counters, so a run is repeatable.
 */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const DEFAULT_TIME = '2025-03-14T09:26:53.589Z';

let counter = 0;

function next(): number {
  counter += 1;
  return counter;
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** A UUID-shaped id from a counter (deterministic within a run). */
export function nextId(): string {
  const n = next();
  return `${hex(n >>> 16, 8).toLowerCase()}-0000-4000-8000-${hex(n, 12).toLowerCase()}`;
}

/** The next S3 sequencer: an 18-digit upper-case hex string that grows with every call. */
export function nextSequencer(): string {
  return `0065F2${hex(next(), 12)}`;
}

/**
 * Encodes a key the way S3 writes it into event notifications: form encoding (space as `+`, UTF-8
 * bytes as upper-case `%XX`), leaving letters, digits, `-_.*` and `/` as they are.
 *
 * @param key - the object key as stored in S3
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replaceAll('%20', '+')
    .replaceAll('%2F', '/')
    .replace(/[!'()~]/g, (c) => `%${hex(c.charCodeAt(0), 2)}`);
}

/** One record of an S3 event notification (`Records[i]`). Delete records carry no size or eTag. */
export interface S3NotificationRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

export interface S3RecordOptions {
  readonly bucket?: string;
  /** The real key; it is encoded like S3 does unless `encodedKey` is given. */
  readonly key: string;
  /** Written as is into `s3.object.key` (e.g. a malformed encoding). */
  readonly encodedKey?: string;
  readonly eventName?: string;
  readonly sequencer?: string;
  readonly size?: number;
  readonly eventTime?: string;
  readonly versionId?: string;
}

/**
 * One S3 notification record, as S3 writes it.
 *
 * @param options - bucket (default `site-bucket`), key, eventName (default `ObjectCreated:Put`), ...
 */
export function buildS3Record(options: S3RecordOptions): S3NotificationRecord {
  const bucket = options.bucket ?? 'site-bucket';
  const eventName = options.eventName ?? 'ObjectCreated:Put';
  const created = eventName.startsWith('ObjectCreated:');
  const byLifecycle = eventName.startsWith('LifecycleExpiration:');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: options.eventTime ?? DEFAULT_TIME,
    eventName,
    userIdentity: { principalId: byLifecycle ? 's3.amazonaws.com' : 'AWS:AIDAJDPLRKLG7UEXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.15' },
    responseElements: {
      'x-amz-request-id': hex(next(), 16),
      'x-amz-id-2': `vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYB${next()}`,
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'invalidator',
      bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: options.encodedKey ?? encodeS3EventKey(options.key),
        ...(created ? { size: options.size ?? 1024, eTag: createHash('md5').update(options.key).digest('hex') } : {}),
        ...(options.versionId === undefined ? {} : { versionId: options.versionId }),
        sequencer: options.sequencer ?? nextSequencer(),
      },
    },
  };
}

/** An S3 event notification body: `{ "Records": [...] }`. */
export function buildS3Notification(records: readonly S3NotificationRecord[]): { Records: S3NotificationRecord[] } {
  return { Records: [...records] };
}

/** The `s3:TestEvent` S3 sends when a notification configuration is saved. */
export function buildTestEvent(bucket = 'site-bucket'): Record<string, string> {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: DEFAULT_TIME,
    Bucket: bucket,
    RequestId: hex(next(), 16),
    HostId: `8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE${next()}`,
  };
}

/**
 * An SNS envelope as SQS receives it from a topic without raw message delivery.
 *
 * @param message - the published message: a string as is, anything else as JSON
 * @param overrides - fields to replace (e.g. `{ Type: 'SubscriptionConfirmation' }`)
 */
export function buildSnsEnvelope(message: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:s3-changes`;
  return {
    Type: 'Notification',
    MessageId: nextId(),
    TopicArn: topicArn,
    Subject: 'Amazon S3 Notification',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: DEFAULT_TIME,
    SignatureVersion: '1',
    Signature:
      'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
    SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
    UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${nextId()}`,
    ...overrides,
  };
}

export interface EventBridgeOptions {
  readonly bucket?: string;
  readonly key: string;
  /** Written as is into `detail.object.key`. */
  readonly encodedKey?: string;
  readonly detailType?: string;
  readonly sequencer?: string;
  readonly size?: number;
  readonly time?: string;
  /** `PutObject`, `DeleteObject`, `Lifecycle Expiration`, ... */
  readonly reason?: string;
}

/**
 * An S3 event delivered through EventBridge (`source: "aws.s3"`). The key is form-encoded like a
 * notification key (see the note in `shared/domain/events.ts`).
 *
 * @param options - bucket, key, detailType (default `Object Created`), ...
 */
export function buildEventBridgeS3Event(options: EventBridgeOptions): Record<string, unknown> {
  const bucket = options.bucket ?? 'site-bucket';
  const detailType = options.detailType ?? 'Object Created';
  const created = detailType === 'Object Created';
  return {
    version: '0',
    id: nextId(),
    'detail-type': detailType,
    source: 'aws.s3',
    account: ACCOUNT,
    time: options.time ?? '2025-03-14T09:26:53Z',
    region: REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key: options.encodedKey ?? encodeS3EventKey(options.key),
        ...(created ? { size: options.size ?? 1024, etag: createHash('md5').update(options.key).digest('hex') } : {}),
        sequencer: options.sequencer ?? nextSequencer().toLowerCase(),
      },
      'request-id': hex(next(), 16),
      requester: ACCOUNT,
      'source-ip-address': '203.0.113.15',
      reason: options.reason ?? (created ? 'PutObject' : 'DeleteObject'),
      ...(created ? {} : { 'deletion-type': 'Permanently Deleted' }),
    },
  };
}

/**
 * An SQS record as the Lambda event source mapping delivers it.
 *
 * @param body - the message body: a string as is, anything else as JSON
 * @param overrides - fields to replace (e.g. `{ messageId: 'm-1' }`)
 */
export function buildSqsRecord(body: unknown, overrides: Partial<SQSRecord> = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const sent = String(Date.parse(DEFAULT_TIME) + next());
  return {
    messageId: nextId(),
    receiptHandle: `AQEB${Buffer.from(`receipt-${next()}`).toString('base64')}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sent,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:invalidator-changes`,
    awsRegion: REGION,
    ...overrides,
  };
}

/** An SQS event for a Lambda handler: `{ "Records": [...] }`. */
export function buildSqsEvent(records: readonly SQSRecord[]): SQSEvent {
  return { Records: [...records] };
}

export interface SqsBatchOptions {
  readonly bucket?: string;
  readonly keys: readonly string[];
  readonly eventName?: string;
  /** S3 sends one record per message; more packs several keys into one body. */
  readonly recordsPerMessage?: number;
}

/**
 * A batch of SQS records carrying S3 notifications for many keys (a deploy), for tests and benchmarks.
 *
 * @param options - bucket, keys, eventName, records per message (default 1)
 */
export function buildSqsBatch(options: SqsBatchOptions): SQSRecord[] {
  const perMessage = Math.max(1, options.recordsPerMessage ?? 1);
  const records: SQSRecord[] = [];
  for (let i = 0; i < options.keys.length; i += perMessage) {
    const chunk = options.keys.slice(i, i + perMessage).map((key) =>
      buildS3Record({
        key,
        ...(options.bucket === undefined ? {} : { bucket: options.bucket }),
        ...(options.eventName === undefined ? {} : { eventName: options.eventName }),
      }),
    );
    records.push(buildSqsRecord(buildS3Notification(chunk)));
  }
  return records;
}
