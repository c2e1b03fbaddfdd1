import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InjectedCrashError } from '../../shared/app/errors.ts';
import { readConfig } from '../../shared/config.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { createCollectorFunction } from '../../shared/runtime/collector-function.ts';
import { createCloudFrontClient, createDynamoClient, createS3Client, createSqsClient } from '../helpers/aws-clients.ts';
import { type CapturedLog, captureLog, createLedgerTable } from '../helpers/collector.ts';
import {
  buildEventBridgeS3Event,
  buildS3Notification,
  buildS3Record,
  buildSnsEnvelope,
  buildSqsRecord,
} from '../helpers/events.ts';

/** Stands for anything private in a key or a message: it must never reach a log line. */
const MARKER = 'Zq7MarkerX';
const SITE = 'E1SITE0000000A';
const DOCS = 'E2DOCS0000000B';
const ROUTES = [
  { bucket: 'site-bucket', distributionId: SITE, inventory: true },
  { bucket: 'site-bucket', prefix: 'docs/', distributionId: DOCS, exclude: ['**/*.immutable.*'] },
];

/** Records that carry the marker in object keys and message bodies, in every shape the collector meets. */
function markedRecords(): SQSRecord[] {
  const keyed = (key: string, eventName?: string) =>
    buildSqsRecord(buildS3Notification([buildS3Record({ key, ...(eventName === undefined ? {} : { eventName }) })]));
  const withRecord = (patch: Record<string, unknown>) =>
    buildSqsRecord({ Records: [{ ...buildS3Record({ key: `${MARKER}/x.html` }), ...patch }] });
  return [
    keyed(`${MARKER}/index.html`),
    keyed(`users/${MARKER}@example.com/avatar ${MARKER}?.png`),
    keyed(`docs/${MARKER}/guide/index.html`),
    keyed(`docs/${MARKER}.immutable.js`),
    keyed(`${MARKER}/${'k'.repeat(4_100)}`, 'ObjectRemoved:Delete'),
    keyed(`${MARKER}/star*${MARKER}.js`),
    keyed(`${MARKER}/restored.html`, `ObjectRestore:${MARKER}`),
    buildSqsRecord(buildS3Notification([buildS3Record({ key: 'x', encodedKey: `${MARKER}/%E0%A4%A` })])),
    buildSqsRecord(buildS3Notification([buildS3Record({ key: `${MARKER}.html`, bucket: `unknown-${MARKER}` })])),
    buildSqsRecord(buildS3Notification([buildS3Record({ key: `${MARKER}.html`, bucket: 'someone-elses-bucket' })])),
    withRecord({ eventSource: `aws:${MARKER}` }),
    withRecord({ eventName: `Object${MARKER}:Put` }),
    withRecord({ padding: MARKER.repeat(1000) }),
    buildSqsRecord(`not json ${MARKER}`),
    buildSqsRecord(JSON.stringify(`${MARKER} as a JSON string`)),
    buildSqsRecord({ Records: `${MARKER}` }),
    buildSqsRecord({ Records: [`${MARKER}`, 7, null] }),
    buildSqsRecord({ secret: MARKER, nested: { deeper: [MARKER] } }),
    buildSqsRecord(buildSnsEnvelope(buildS3Notification([buildS3Record({ key: `sns/${MARKER}.html` })]))),
    buildSqsRecord(buildSnsEnvelope(`{"${MARKER}"`)),
    buildSqsRecord(buildSnsEnvelope('x', { Type: MARKER })),
    buildSqsRecord(buildEventBridgeS3Event({ key: `eb/${MARKER}.html` })),
    buildSqsRecord(buildEventBridgeS3Event({ key: `eb/${MARKER}.html`, detailType: `Object ${MARKER}` })),
  ];
}

describe('collector logs', () => {
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let sqs: SQSClient;
  let s3: S3Client;
  let tableName: string;

  /** The deployed chain (middy, partial batch responses) with its log captured. */
  function collector(options: { hardCap?: number; crashAt?: 'after-reserve' } = {}) {
    const log = captureLog();
    const config = readConfig({
      STAGE: 'security',
      TABLE_NAME: tableName,
      ROUTES: JSON.stringify(ROUTES),
      MAX_PATHS_PER_INVALIDATION: '5',
      S3_FORCE_PATH_STYLE: 'true',
      ...(options.hardCap === undefined ? {} : { HARD_MONTHLY_CAP: String(options.hardCap) }),
    });
    const fn = createCollectorFunction({
      config,
      clients: {
        dynamo: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
        cloudFront,
        sqs,
        s3,
      },
      log,
      metrics: { count: () => undefined },
      ...(options.crashAt === undefined
        ? {}
        : {
            checkpoint: (step: string) => {
              if (step === options.crashAt) throw new InjectedCrashError(`killed at ${step}`, { retryable: true });
            },
          }),
    });
    return { fn, log };
  }

  function expectNoMarker(log: CapturedLog): void {
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain(MARKER);
    expect(text.toLowerCase()).not.toContain(MARKER.toLowerCase());
  }

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        { id: DOCS, origins: [{ id: 'd', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
      ],
    });
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
    sqs = createSqsClient();
    s3 = createS3Client();
  });

  afterAll(async () => {
    for (const client of [cloudFront, sqs, s3, dynamo]) client.destroy();
    await emulator.stop();
  });

  beforeEach(async () => {
    emulator.reset();
    tableName = await createLedgerTable(dynamo);
  });

  describe.each([
    ['is invalidated', () => undefined],
    ['meets CloudFront throttling', () => emulator.faults.next('CreateInvalidation', { kind: 'throttle', times: 5 })],
    ['loses the CreateInvalidation answer', () => emulator.faults.next('CreateInvalidation', { kind: 'lostResponse' })],
    [
      'meets CloudFront 5xx answers',
      () => emulator.faults.next('CreateInvalidation', { kind: 'serverError', times: 3 }),
    ],
  ])('a batch with private keys and bodies that %s', (_name, arrange) => {
    it('logs message ids, counts and reasons, never a key, a path or message content', async () => {
      // Prepare
      const { fn, log } = collector();
      arrange();

      // Act
      const response = await fn.handler({ Records: markedRecords() });

      // Assess
      expectNoMarker(log);
      expect(log.lines.filter((line) => line.message === 'record skipped').length).toBeGreaterThan(10);
      expect(log.lines.some((line) => line.message === 'change not routed')).toBe(true);
      expect(response.batchItemFailures.length).toBeLessThan(markedRecords().length);
    });
  });

  it('logs no key or content when the hard cap defers the batch', async () => {
    // Prepare
    const { fn, log } = collector({ hardCap: 1 });

    // Act
    await fn.handler({ Records: markedRecords() });

    // Assess
    expectNoMarker(log);
    expect(log.lines.some((line) => String(line.extra.reason).includes('deferred'))).toBe(true);
  });

  it('logs no key or content when the collector dies after reserving', async () => {
    // Prepare
    const { fn, log } = collector({ crashAt: 'after-reserve' });

    // Act
    await fn.handler({ Records: markedRecords() });

    // Assess
    expectNoMarker(log);
    expect(log.lines.some((line) => line.extra.error === 'InjectedCrashError')).toBe(true);
  });

  it('names a bucket in a log line only when it is a bucket name (regression)', async () => {
    // Prepare
    const { fn, log } = collector();
    const record = buildSqsRecord(
      buildS3Notification([buildS3Record({ key: 'a.html', bucket: `Not A Bucket ${MARKER}` })]),
    );

    // Act
    await fn.handler({ Records: [record] });

    // Assess
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'change not routed',
        extra: { messageId: record.messageId, bucket: 'not a bucket name', reason: 'no-route' },
      },
    ]);
  });
});
