import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { type CollectorPolicy, collectBatch, drainPending } from '../../shared/app/collect-batch.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import {
  type CloudFrontEmulator,
  matchesInvalidationPath,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createDynamoClient } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, createLedgerTable, readMonth } from '../helpers/collector.ts';
import { buildS3Notification, buildS3Record, buildSqsBatch, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1PENDING0000A';
const DOCS = 'E2NOSUCHDIST0B';
const ORIGIN = 'site-bucket.s3.us-east-1.amazonaws.com';

function issuedPaths(emulator: CloudFrontEmulator, distributionId: string): string[] {
  return emulator.invalidations(distributionId).flatMap((invalidation) => [...invalidation.paths]);
}

function covered(paths: readonly string[], keys: readonly string[]): boolean {
  return keys.every((key) => paths.some((path) => matchesInvalidationPath(path, toCloudFrontPath(key))));
}

function monthPaths(items: Record<string, unknown>[], sk = 'TOTAL'): number {
  return Number(items.find((item) => item.sk === sk)?.paths ?? 0);
}

function allFulfilled(results: PromiseSettledResult<void>[]): boolean {
  return results.every((result) => result.status === 'fulfilled');
}

describe('the durable pending set', () => {
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let tableName: string;
  let pending: DynamoPendingStore;
  let clock: number;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [{ id: SITE, origins: [{ id: 's', domainName: ORIGIN }] }],
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
    pending = new DynamoPendingStore(DynamoDBDocumentClient.from(dynamo), { tableName });
  });

  function depsWith(
    policy: Partial<CollectorPolicy>,
    routes: unknown = [{ bucket: 'site-bucket', distributionId: SITE }],
  ) {
    return buildCollectorDeps({ dynamo, tableName, cloudFront, routes, policy, now: () => clock, withPending: true });
  }

  it('holds changes past a hard cap reached on day 10 until the next month, then issues them', async () => {
    // Prepare: the cap is spent by the first batch.
    clock = Date.parse('2026-11-10T09:00:00Z');
    const deps = depsWith({ hardMonthlyCap: 1 });
    await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: ['first.html'] }), deps);
    const later = ['news/a.html', 'news/b.html', 'about.html'];

    // Act
    const deferred = await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: later }), deps);
    clock = Date.parse('2026-11-30T23:59:00Z');
    await drainPending(deps);
    const beforeMonthEnd = issuedPaths(emulator, SITE);
    clock = Date.parse('2026-12-01T00:01:00Z');
    await drainPending(deps);

    // Assess
    expect(allFulfilled(deferred)).toBe(true);
    expect(beforeMonthEnd).toEqual(['/first.html']);
    expect(covered(issuedPaths(emulator, SITE), later)).toBe(true);
    expect(monthPaths(await readMonth(dynamo, tableName, '2026-11'))).toBe(1);
    expect(monthPaths(await readMonth(dynamo, tableName, '2026-12'))).toBe(issuedPaths(emulator, SITE).length - 1);
    expect(await pending.list(SITE)).toEqual([]);
  });

  it('issues a pending change once when drains and a batch run at the same time', async () => {
    // Prepare
    clock = Date.parse('2026-11-10T09:00:00Z');
    const deps = depsWith({ hardMonthlyCap: 3 });
    await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: ['one.html', 'two.html', 'three.html'] }), deps);
    await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: ['held/a.html', 'held/b.html'] }), deps);
    const november = issuedPaths(emulator, SITE);
    clock = Date.parse('2026-12-01T00:01:00Z');

    // Act
    await Promise.all([
      drainPending(deps),
      drainPending(deps),
      collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: ['new.html'] }), deps),
      drainPending(deps),
    ]);
    await drainPending(deps);

    // Assess
    const december = issuedPaths(emulator, SITE).slice(november.length);
    expect(covered(december, ['held/a.html', 'held/b.html', 'new.html'])).toBe(true);
    for (const key of ['held/a.html', 'held/b.html']) {
      expect(december.filter((path) => matchesInvalidationPath(path, toCloudFrontPath(key)))).toHaveLength(1);
    }
    expect(monthPaths(await readMonth(dynamo, tableName, '2026-12'))).toBe(december.length);
    expect(await pending.list(SITE)).toEqual([]);
  });

  it('waits for a wildcard slot and drains once one is free', async () => {
    // Prepare: 13 wildcards in flight + the margin of 2 leave none; a key with `*` needs one.
    clock = Date.parse('2026-11-21T12:00:00Z');
    emulator.setCompletionDelay('never');
    for (let i = 0; i < 13; i++) {
      const batch = { CallerReference: `busy-${i}`, Paths: { Quantity: 1, Items: [`/busy-${i}/*`] } };
      await cloudFront.send(new CreateInvalidationCommand({ DistributionId: SITE, InvalidationBatch: batch }));
    }
    const deps = depsWith({});
    const records = buildSqsBatch({ bucket: 'site-bucket', keys: ['sale/50%*off.html', 'plain.html'] });

    // Act
    const results = await collectBatch(records, deps);
    const waiting = await pending.list(SITE);
    await drainPending(deps);
    const stillWaiting = await pending.list(SITE);
    emulator.completeAll(SITE);
    await drainPending(deps);

    // Assess
    expect(allFulfilled(results)).toBe(true);
    expect(waiting.map((set) => set.paths.length)).toEqual([2]);
    expect(stillWaiting).toHaveLength(1);
    const issued = issuedPaths(emulator, SITE).filter((path) => !path.startsWith('/busy-'));
    expect(issued).toEqual(expect.arrayContaining(['/plain.html', '/sale/50%25*']));
    expect(await pending.list(SITE)).toEqual([]);
    expect(monthPaths(await readMonth(dynamo, tableName, '2026-11'))).toBe(issued.length);
  });

  it('never bills the distribution that succeeded twice when another one of the same message fails', async () => {
    // Prepare: docs/ keys feed SITE (whole bucket) and DOCS, which CloudFront does not know.
    clock = Date.parse('2026-11-21T12:00:00Z');
    const routes = [
      { bucket: 'site-bucket', distributionId: SITE },
      { bucket: 'site-bucket', prefix: 'docs/', distributionId: DOCS },
    ];
    const deps = depsWith({ monthlyPathBudget: 1_000_000 }, routes);
    const shared = buildSqsRecord(
      buildS3Notification([buildS3Record({ key: 'docs/guide.html', bucket: 'site-bucket' })]),
    );
    const other = buildSqsRecord(buildS3Notification([buildS3Record({ key: 'index2.html', bucket: 'site-bucket' })]));
    const redelivered: SQSRecord = { ...shared, attributes: { ...shared.attributes, ApproximateReceiveCount: '2' } };

    // Act: the shared message comes back in another batch (a redelivery, or a retry before the fix).
    const first = await collectBatch([shared], deps);
    const second = await collectBatch([redelivered, other], deps);

    // Assess
    expect(allFulfilled(first)).toBe(true);
    expect(allFulfilled(second)).toBe(true);
    const site = issuedPaths(emulator, SITE);
    expect(site.filter((path) => path === '/docs/guide.html')).toHaveLength(1);
    expect(site).toContain('/index2.html');
    expect(monthPaths(await readMonth(dynamo, tableName, '2026-11'), `DIST#${SITE}`)).toBe(site.length);
    expect((await pending.list(DOCS)).flatMap((set) => set.paths)).toEqual(['/docs/guide.html']);
  });
});
