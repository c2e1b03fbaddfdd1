import { randomUUID } from 'node:crypto';

/** What the bridge knows about one object change, keys already encoded as S3 writes them. */
export interface ObjectChange {
  readonly bucket: string;
  readonly encodedKey: string;
  readonly status: 'uploaded' | 'copied' | 'deleted';
  readonly size?: number;
  readonly etag?: string;
  readonly sequencer: string;
  readonly time: number;
  readonly requestId: string;
}

const REASONS = { uploaded: 'PutObject', copied: 'CopyObject', deleted: 'DeleteObject' } as const;

/**
 * The message body an EventBridge rule delivers to SQS for an S3 change: the event itself, as JSON
 * (no envelope). The key is encoded like a notification key (docs/architecture.md, "Event keys").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 *
 * @param options - region and account of the bucket (defaults: us-east-1, a local account)
 */
export function buildEventBridgeS3Body(
  change: ObjectChange,
  options: { region?: string | undefined; accountId?: string | undefined } = {},
): string {
  const account = options.accountId ?? '000000000000';
  const created = change.status !== 'deleted';
  const object = {
    key: change.encodedKey,
    ...(created && change.size !== undefined ? { size: change.size } : {}),
    ...(created && change.etag !== undefined ? { etag: change.etag } : {}),
    sequencer: change.sequencer,
  };
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account,
    time: new Date(change.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region ?? 'us-east-1',
    resources: [`arn:aws:s3:::${change.bucket}`],
    detail: {
      version: '0',
      bucket: { name: change.bucket },
      object,
      'request-id': change.requestId,
      requester: account,
      'source-ip-address': '127.0.0.1',
      reason: REASONS[change.status],
      ...(created ? {} : { 'deletion-type': 'Permanently Deleted' }),
    },
  });
}
