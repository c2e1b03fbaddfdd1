import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3SpyEvent } from 'fauxqs';
import { LocalStackError } from './errors.ts';
import { buildEventBridgeS3Body } from './eventbridge-event.ts';
import type { FauxqsServer } from './fauxqs-server.ts';

/** Where a bucket's notifications go (the stack's queue), as a bucket notification configuration says. */
export interface BridgeTarget {
  readonly bucket: string;
  readonly queueUrl: string;
}

/** A running bridge. */
export interface NotificationBridge {
  /** Resolves once every change seen so far has been delivered to its queue. */
  flush(): Promise<void>;
  /** Notifications delivered so far. */
  delivered(): number;
  /** The body of the last message delivered (to check its shape). */
  lastBody(): string | undefined;
  /**
   * While muted, object changes send no notification (and never will): a bench seeds a bucket with
   * the site before the deploy it measures. Not something S3 can do; the stack starts unmuted.
   */
  mute(muted: boolean): void;
}

const SEND_BATCH = 10; // SQS SendMessageBatch limit
const EVENT_NAMES = {
  uploaded: 'ObjectCreated:Put',
  copied: 'ObjectCreated:Copy',
  deleted: 'ObjectRemoved:Delete',
} as const;

/**
 * The S3 -> SQS notification bridge fauxqs lacks: every object change becomes the exact event AWS
 * sends (one record per message, form-encoded key, size and eTag for creations, a per-bucket
 * increasing sequencer), delivered in order to the bucket's queue.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function startNotificationBridge(options: {
  fauxqs: FauxqsServer;
  s3: S3Client;
  sqs: SQSClient;
  targets: readonly BridgeTarget[];
  region?: string;
  accountId?: string;
  /** `eventbridge`: bodies as an EventBridge rule delivers them (stage param `delivery`); default: notifications. */
  format?: 'notifications' | 'eventbridge';
  /** The clock that stamps each change's event time when it happens (default fauxqs's wall clock). */
  now?: () => number;
}): NotificationBridge {
  const queues = new Map(options.targets.map((target) => [target.bucket, target.queueUrl]));
  let sequence = 0;
  let delivered = 0;
  let lastBody: string | undefined;
  let muted = false;
  let pending: { queueUrl: string; body: Promise<string> }[] = [];
  let chain: Promise<void> = Promise.resolve();
  const failures: unknown[] = [];

  options.fauxqs.onObjectChange((event) => {
    const queueUrl = queues.get(event.bucket);
    if (queueUrl === undefined || muted) return;
    sequence++;
    const stamped = options.now === undefined ? event : { ...event, timestamp: options.now() };
    pending.push({ queueUrl, body: buildBody(stamped, sequence, options) });
    // A failed delivery is kept and reported by flush(); later changes still go out.
    chain = chain.then(deliver).catch((error: unknown) => {
      failures.push(error);
    });
  });

  async function deliver(): Promise<void> {
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += SEND_BATCH) {
      const chunk = batch.slice(i, i + SEND_BATCH);
      const byQueue = new Map<string, string[]>();
      for (const item of chunk) {
        const bodies = byQueue.get(item.queueUrl) ?? [];
        bodies.push(await item.body);
        byQueue.set(item.queueUrl, bodies);
      }
      for (const [queueUrl, bodies] of byQueue) {
        await options.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
          }),
        );
        delivered += bodies.length;
        lastBody = bodies.at(-1);
      }
    }
  }

  return {
    async flush() {
      await chain;
      if (failures.length > 0)
        throw new LocalStackError(`notification bridge lost ${failures.length} deliveries`, { cause: failures[0] });
    },
    delivered: () => delivered,
    lastBody: () => lastBody,
    mute(value) {
      muted = value;
    },
  };
}

async function buildBody(
  event: S3SpyEvent,
  sequence: number,
  options: { s3: S3Client; region?: string; accountId?: string; format?: 'notifications' | 'eventbridge' },
): Promise<string> {
  const eventName = EVENT_NAMES[event.status as keyof typeof EVENT_NAMES] ?? 'ObjectCreated:Put';
  const object: Record<string, unknown> = { key: encodeS3EventKey(event.key) };
  if (event.status !== 'deleted') {
    try {
      const head = await options.s3.send(new HeadObjectCommand({ Bucket: event.bucket, Key: event.key }));
      object.size = head.ContentLength ?? 0;
      object.eTag = (head.ETag ?? '').replaceAll('"', '');
    } catch {
      // Deleted again before we looked: AWS would still send size and eTag; we know neither.
    }
  }
  object.sequencer = sequence.toString(16).toUpperCase().padStart(18, '0');
  if (options.format === 'eventbridge') {
    const status = event.status === 'deleted' || event.status === 'copied' ? event.status : 'uploaded';
    const change = {
      bucket: event.bucket,
      encodedKey: object.key as string,
      status,
      sequencer: object.sequencer as string,
      time: event.timestamp,
      requestId: sequence.toString(16).toUpperCase(),
      ...(typeof object.size === 'number' ? { size: object.size } : {}),
      ...(typeof object.eTag === 'string' ? { etag: object.eTag } : {}),
    } as const;
    return buildEventBridgeS3Body(change, options);
  }
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: options.region ?? 'us-east-1',
    eventTime: new Date(event.timestamp).toISOString(),
    eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': sequence.toString(16).toUpperCase(), 'x-amz-id-2': 'local' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'invalidator-local',
      bucket: {
        name: event.bucket,
        ownerIdentity: { principalId: options.accountId ?? '000000000000' },
        arn: `arn:aws:s3:::${event.bucket}`,
      },
      object,
    },
  };
  return JSON.stringify({ Records: [record] });
}

/**
 * Encodes a key the way S3 writes it in notifications: form-style (space -> `+`), everything but
 * unreserved characters and `/` percent-encoded.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
