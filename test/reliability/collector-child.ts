/**
 * A collector in a process of its own, for the fault suite's real crashes: the parent sends it SQS
 * batches over IPC and kills it with SIGKILL mid-batch (no exception, no cleanup, requests cut where
 * they are). It runs the same chain as the local stack (`createCollectorFunction`), against the stack's
 * DynamoDB Local, fauxqs and CloudFront emulator, on the parent's virtual clock.
 *
 * Messages in: `{ type: 'invoke', id, event }`, `{ type: 'clock', anchor, anchoredAt }`.
 * Messages out: `{ type: 'ready' }`, `{ type: 'step', id, step }` at each checkpoint, `{ type: 'log' }`,
 * `{ type: 'metric' }`, `{ type: 'done', id, response }`.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { readConfig } from '../../shared/config.ts';
import { createCollectorFunction } from '../../shared/runtime/collector-function.ts';

/** What the parent passes in `process.argv[2]` (JSON). */
export interface ChildSetup {
  readonly env: Readonly<Record<string, string>>;
  readonly endpoints: { readonly dynamodb: string; readonly aws: string; readonly cloudfront: string };
  readonly anchor: number;
  readonly anchoredAt: number;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as ChildSetup;
let { anchor, anchoredAt } = setup;
const now = () => anchor + (Date.now() - anchoredAt);
const send = (message: unknown) => process.send?.(message);
const base = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;
const dynamo = new DynamoDBClient({ ...base, endpoint: setup.endpoints.dynamodb });
let current = '';
const collector = createCollectorFunction({
  config: readConfig({ ...setup.env }),
  clients: {
    dynamo: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    cloudFront: new CloudFrontClient({ ...base, endpoint: setup.endpoints.cloudfront }),
    sqs: new SQSClient({ ...base, endpoint: setup.endpoints.aws }),
    s3: new S3Client({ ...base, endpoint: setup.endpoints.aws, forcePathStyle: true }),
  },
  log: {
    info: (message, extra) => send({ type: 'log', level: 'info', message, extra: extra ?? {} }),
    warn: (message, extra) => send({ type: 'log', level: 'warn', message, extra: extra ?? {} }),
    error: (message, extra) => send({ type: 'log', level: 'error', message, extra: extra ?? {} }),
  },
  metrics: { count: (name, value) => send({ type: 'metric', name, value }) },
  checkpoint: (step) => {
    send({ type: 'step', id: current, step });
  },
  now,
});

process.on(
  'message',
  (message: { type: string; id?: string; event?: SQSEvent; anchor?: number; anchoredAt?: number }) => {
    if (message.type === 'clock') {
      anchor = message.anchor ?? anchor;
      anchoredAt = message.anchoredAt ?? anchoredAt;
      return;
    }
    if (message.type !== 'invoke' || message.event === undefined) return;
    current = message.id ?? '';
    const id = current;
    collector.handler(message.event).then(
      (response) => send({ type: 'done', id, response }),
      (error: Error) => send({ type: 'done', id, error: `${error.name}: ${error.message}` }),
    );
  },
);
send({ type: 'ready' });
