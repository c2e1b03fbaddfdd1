import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { InjectedCrashError } from '../../shared/app/errors.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import {
  type CloudFrontEmulator,
  matchesInvalidationPath,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createDynamoClient } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, createLedgerTable, readMonth } from '../helpers/collector.ts';
import { buildS3Notification, buildS3Record, buildSqsBatch, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const DOCS = 'E2DOCS0000000B';
const ASSETS = 'E3ASSETS00000C';
const ROUTES = [
  { bucket: 'site-bucket', distributionId: SITE },
  { bucket: 'site-bucket', prefix: 'docs/', distributionId: DOCS },
  { bucket: 'assets-bucket', distributionId: ASSETS, originPath: '/prod' },
];
const NOW = Date.parse('2026-11-21T12:00:00Z');
const MONTH = '2026-11';

function deployKeys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}section-${i % 7}/page-${i}.html`);
}

function pathsOf(emulator: CloudFrontEmulator, distributionId: string): string[] {
  return emulator.invalidations(distributionId).flatMap((invalidation) => [...invalidation.paths]);
}

function isCovered(paths: readonly string[], path: string): boolean {
  return paths.some((candidate) => matchesInvalidationPath(candidate, path));
}

function counter(items: Record<string, unknown>[], sk: string, field = 'paths'): number {
  return Number(items.find((item) => item.sk === sk)?.[field] ?? 0);
}

describe('collectBatch', () => {
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let tableName: string;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        { id: DOCS, origins: [{ id: 'd', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        {
          id: ASSETS,
          origins: [{ id: 'a', domainName: 'assets-bucket.s3.us-east-1.amazonaws.com', originPath: '/prod' }],
        },
      ],
    });
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    cloudFront.destroy();
    dynamo.destroy();
    await emulator.stop();
  });

  beforeEach(async () => {
    emulator.reset();
    tableName = await createLedgerTable(dynamo);
  });

  describe('a 2,000-key batch across two buckets and three distributions', () => {
    it('issues one invalidation per distribution that covers every key, counted once', async () => {
      // Prepare
      const siteKeys = [...deployKeys('', 900), ...deployKeys('docs/', 300)];
      const assetKeys = deployKeys('prod/img/', 800);
      const records = [
        ...buildSqsBatch({ bucket: 'site-bucket', keys: siteKeys, recordsPerMessage: 4 }),
        ...buildSqsBatch({ bucket: 'assets-bucket', keys: assetKeys, recordsPerMessage: 4 }),
      ];
      const deps = buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, now: () => NOW });

      // Act
      const results = await collectBatch(records, deps);

      // Assess
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      for (const id of [SITE, DOCS, ASSETS]) expect(emulator.invalidations(id)).toHaveLength(1);
      const site = pathsOf(emulator, SITE);
      const docs = pathsOf(emulator, DOCS);
      const assets = pathsOf(emulator, ASSETS);
      for (const key of siteKeys) expect(isCovered(site, toCloudFrontPath(key))).toBe(true);
      for (const key of siteKeys.filter((k) => k.startsWith('docs/')))
        expect(isCovered(docs, toCloudFrontPath(key))).toBe(true);
      for (const key of assetKeys) expect(isCovered(assets, toCloudFrontPath(key.slice('prod/'.length)))).toBe(true);
      const items = await readMonth(dynamo, tableName, MONTH);
      expect(counter(items, 'TOTAL')).toBe(site.length + docs.length + assets.length);
      expect(counter(items, `DIST#${SITE}`)).toBe(site.length);
      expect(counter(items, `DIST#${DOCS}`)).toBe(docs.length);
      expect(counter(items, `DIST#${ASSETS}`)).toBe(assets.length);
      expect(counter(items, 'DAY#21#TOTAL')).toBe(site.length + docs.length + assets.length);
      expect(counter(items, 'TOTAL', 'invalidations')).toBe(3);
      expect(site.length + docs.length + assets.length).toBeLessThan(siteKeys.length + assetKeys.length);
    });
  });

  describe('a replayed batch', () => {
    it('creates no new invalidation when the response was lost after CreateInvalidation', async () => {
      // Prepare
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: deployKeys('', 20) });
      const deps = buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES.slice(0, 1), now: () => NOW });
      emulator.faults.next('CreateInvalidation', { kind: 'lostResponse', as: 'reset' });

      // Act
      const first = await collectBatch(records, deps);
      const second = await collectBatch(records, deps);

      // Assess
      expect(first.every((result) => result.status === 'rejected')).toBe(true);
      expect(second.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      const items = await readMonth(dynamo, tableName, MONTH);
      expect(counter(items, 'TOTAL')).toBe(pathsOf(emulator, SITE).length);
      expect(counter(items, 'TOTAL', 'invalidations')).toBe(1);
    });

    it('reuses the stored plan when it crashed after reserving', async () => {
      // Prepare
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: deployKeys('', 40) });
      let crash = true;
      const crashing = buildCollectorDeps({
        dynamo,
        tableName,
        cloudFront,
        routes: ROUTES.slice(0, 1),
        now: () => NOW,
        checkpoint: (step) => {
          if (step === 'after-reserve' && crash)
            throw new InjectedCrashError('killed after reserve', { retryable: true });
        },
      });
      await collectBatch(records, crashing);
      const [reserved] = (await readMonth(dynamo, tableName, MONTH)).filter((item) =>
        String(item.sk).startsWith('INV#'),
      );
      crash = false;
      // A later retry with a bigger budget would plan differently: the stored plan must win.
      const retry = buildCollectorDeps({
        dynamo,
        tableName,
        cloudFront,
        routes: ROUTES.slice(0, 1),
        now: () => NOW + 60_000,
        policy: { maxPathsPerInvalidation: 3000 },
      });

      // Act
      const results = await collectBatch(records, retry);

      // Assess
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      expect(reserved?.status).toBe('reserved');
      const items = await readMonth(dynamo, tableName, MONTH);
      expect(counter(items, 'TOTAL')).toBe(Number(reserved?.pathCount));
      expect(pathsOf(emulator, SITE)).toHaveLength(Number(reserved?.pathCount));
      expect(items.find((item) => item.sk === reserved?.sk)?.status).toBe('issued');
    });
  });

  describe('two invocations racing for the last paths of a hard cap', () => {
    it.each([1, 10])('never passes a cap of %i paths', async (cap) => {
      // Prepare: both read the same usage and plan at the same time.
      const policy = { hardMonthlyCap: cap, maxPathsPerInvalidation: 10 };
      const a = buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, policy, now: () => NOW });
      const b = buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, policy, now: () => NOW });
      const siteRecords = buildSqsBatch({ bucket: 'site-bucket', keys: deployKeys('', 50) });
      const assetRecords = buildSqsBatch({ bucket: 'assets-bucket', keys: deployKeys('prod/x/', 50) });

      // Act
      const outcomes = await Promise.all([collectBatch(siteRecords, a), collectBatch(assetRecords, b)]);

      // Assess
      const items = await readMonth(dynamo, tableName, MONTH);
      const issued = emulator.invalidations().reduce((sum, invalidation) => sum + invalidation.paths.length, 0);
      expect(counter(items, 'TOTAL')).toBeLessThanOrEqual(cap);
      expect(issued).toBe(counter(items, 'TOTAL'));
      const rejected = outcomes.map((results) => results.some((result) => result.status === 'rejected'));
      const invalidated = [SITE, ASSETS].map((id) => emulator.invalidations(id).length === 1);
      // Every batch is either invalidated or comes back later: nothing is lost.
      expect(rejected.map((value, index) => value !== invalidated[index])).toEqual([true, true]);
      if (cap === 1) expect(rejected.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('TooManyInvalidationsInProgress on one distribution', () => {
    it('fails only the records of that distribution and gives its paths back', async () => {
      // Prepare: the collector saw ASSETS idle, then someone filled its 3,000 exact paths in flight.
      emulator.setCompletionDelay('never');
      const base = buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, now: () => NOW });
      const gateway = new CloudFrontGateway(cloudFront, { inFlightCacheMs: 60_000, now: () => NOW });
      await gateway.inFlight(ASSETS);
      const filler = Array.from({ length: 3000 }, (_, i) => `/filler-${i}.html`);
      await cloudFront.send(
        new CreateInvalidationCommand({
          DistributionId: ASSETS,
          InvalidationBatch: { CallerReference: 'outside', Paths: { Quantity: filler.length, Items: filler } },
        }),
      );
      const siteRecords = buildSqsBatch({ bucket: 'site-bucket', keys: ['a.html', 'b.html'] });
      const assetRecords = buildSqsBatch({ bucket: 'assets-bucket', keys: ['prod/a.css', 'prod/b.css'] });

      // Act
      const results = await collectBatch([...siteRecords, ...assetRecords], { ...base, gateway });

      // Assess
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      const reason = (results[2] as PromiseRejectedResult).reason as { code?: string };
      expect(reason.code).toBe('TooManyInvalidationsInProgress');
      expect(emulator.invalidations(SITE)).toHaveLength(1);
      const items = await readMonth(dynamo, tableName, MONTH);
      expect(counter(items, `DIST#${ASSETS}`)).toBe(0);
      expect(counter(items, 'TOTAL')).toBe(pathsOf(emulator, SITE).length);
    });
  });

  describe('the same file changed twice an hour apart', () => {
    it('gets two invalidations', async () => {
      // Prepare
      const change = () =>
        buildSqsRecord(buildS3Notification([buildS3Record({ bucket: 'site-bucket', key: 'index.html' })]));
      const first: SQSRecord[] = [change()];
      const second: SQSRecord[] = [change()];

      // Act
      await collectBatch(first, buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, now: () => NOW }));
      await collectBatch(
        second,
        buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, now: () => NOW + 3_600_000 }),
      );

      // Assess
      const invalidations = emulator.invalidations(SITE);
      expect(invalidations).toHaveLength(2);
      expect(invalidations[0]?.callerReference).not.toBe(invalidations[1]?.callerReference);
      expect([...(invalidations[1]?.paths ?? [])].sort()).toEqual(['/', '/index.html']);
    });
  });
});
