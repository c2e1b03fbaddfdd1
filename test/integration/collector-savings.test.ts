import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontErrorCaching } from '../../shared/adapters/cloudfront-error-caching.ts';
import { DynamoReportReader } from '../../shared/adapters/dynamodb-report-reader.ts';
import { DynamoSavingsCounters } from '../../shared/adapters/dynamodb-savings-counters.ts';
import { S3KeyLister } from '../../shared/adapters/s3-key-lister.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import type { VersionHistoryReader } from '../../shared/app/new-keys.ts';
import { createS3Client, uniqueName } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const CREATED = '2026-11-21T12:00:00.000Z';
const MONTH = '2026-11';
/** Past the distribution's error-caching TTL (10 s: no CustomErrorResponses). */
const PLANNED_AT = Date.parse(CREATED) + 60_000;
const ICONS = Array.from({ length: 12 }, (_, i) => `icons/arrow-${String(i).padStart(2, '0')}.svg`);

/**
 * Every key has exactly one version, in memory, and no S3 request (the real reader on the local S3's
 * versioning, and what its requests cost: "counts every S3 request the evidence made" below).
 */
const ONE_VERSION_EACH: VersionHistoryReader = {
  histories: async (_bucket, keys) => ({
    histories: new Map(keys.map((key) => [key, { versions: 1, deleteMarkers: 0 }] as const)),
    requests: { list: 0, get: 0 },
  }),
};

/** index.html is new, about.html is not (two versions); no S3 request. */
const ABOUT_MODIFIED: VersionHistoryReader = {
  histories: async (_bucket, keys) => ({
    histories: new Map(keys.map((key) => [key, { versions: key === 'about.html' ? 2 : 1, deleteMarkers: 0 }] as const)),
    requests: { list: 0, get: 0 },
  }),
};

function batchOf(keys: readonly string[], messageId: string) {
  const records = keys.map((key) => buildS3Record({ bucket: bucket(), key, eventTime: CREATED }));
  return [buildSqsRecord(buildS3Notification(records), { messageId })];
}

let s3: S3Client;
let bucketName = '';
const bucket = () => bucketName;

describe('collectBatch savings accounting', () => {
  const world = useCollectorWorld({
    distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site.s3.us-east-1.amazonaws.com' }] }],
  });

  beforeAll(async () => {
    s3 = createS3Client();
    bucketName = uniqueName('savings').toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
    for (const key of [...ICONS, 'index.html', 'about.html']) {
      await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: 'x' }));
    }
  });
  afterAll(() => s3.destroy());

  function depsOf(options: { newKeys?: boolean } = {}) {
    const now = () => PLANNED_AT;
    // No `inventory` on the route: listing is the default.
    const deps = buildCollectorDeps({ ...world, routes: [{ bucket: bucket(), distributionId: SITE }], now });
    const documents = DynamoDBDocumentClient.from(world.dynamo);
    return {
      ...deps,
      lister: new S3KeyLister(s3, { maxRequests: 5, cacheMs: 0, now }),
      savings: new DynamoSavingsCounters(documents, { tableName: world.tableName }),
      ...(options.newKeys === true
        ? {
            newKeys: {
              versions: ONE_VERSION_EACH,
              errorCaching: new CloudFrontErrorCaching(world.cloudFront, { cacheMs: 0, now }),
            },
          }
        : {}),
    };
  }

  async function savingsItem(sk: string) {
    const items = await readMonth(world.dynamo, world.tableName, MONTH);
    return items.find((item) => item.sk === sk);
  }

  it('lists by default, plans a whole changed folder as one wildcard and records what the listing saved', async () => {
    // Act: every icon changed (modified: no new-key evidence)
    await collectBatch(batchOf(ICONS, 'm-icons'), depsOf());
    // Assess: one path instead of twelve exact ones
    const [invalidation] = world.emulator.invalidations(SITE);
    expect([...(invalidation?.paths ?? [])]).toEqual(['/icons/arrow-*']);
    const entry = (await readMonth(world.dynamo, world.tableName, MONTH)).find((item) =>
      String(item.sk).startsWith('INV#'),
    );
    expect(entry).toMatchObject({
      newKeys: 0,
      freePaths: 0,
      newKeyPathsAvoided: 0,
      listRequests: 1,
      inventoryPathsSaved: 11,
    });
    expect(await savingsItem('SAVINGS#TOTAL')).toMatchObject({
      listRequests: 1,
      inventoryPlans: 1,
      inventoryPathsSaved: 11,
    });
    expect(await savingsItem(`SAVINGS#DIST#${SITE}`)).toMatchObject({ listRequests: 1, inventoryPathsSaved: 11 });
  });

  it('counts the new keys of a batch that issues nothing, and the report reads them back', async () => {
    // Act
    const results = await collectBatch(batchOf(ICONS.slice(0, 3), 'm-new'), depsOf({ newKeys: true }));
    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled']);
    expect(world.emulator.invalidations(SITE)).toEqual([]);
    const documents = DynamoDBDocumentClient.from(world.dynamo);
    const partition = await new DynamoReportReader(documents, { tableName: world.tableName }).readMonth(MONTH);
    expect(partition.total.paths).toBe(0);
    expect(partition.savings.total).toEqual({
      newKeys: 3,
      newKeyPathsAvoided: 3,
      listRequests: 1,
      getRequests: 0,
      inventoryPlans: 0,
      inventoryPathsSaved: 0,
    });
    expect(partition.savings.distributions).toEqual([{ distributionId: SITE, counters: partition.savings.total }]);
  });

  it('bills the listing of a batch that failed, and counts its new keys only when it comes back', async () => {
    // Prepare: CloudFront throttles the first request (no pending set here: the record is retried)
    world.emulator.faults.next('CreateInvalidation', { kind: 'throttle' });
    const keys = ['index.html', 'about.html'];
    const deps = depsOf({ newKeys: true });
    const withVersions = {
      ...deps,
      newKeys: { ...deps.newKeys, versions: ABOUT_MODIFIED } as NonNullable<typeof deps.newKeys>,
    };
    // Act
    const failed = await collectBatch(batchOf(keys, 'm-retry'), withVersions);
    const afterFailure = await savingsItem('SAVINGS#TOTAL');
    const retried = await collectBatch(batchOf(keys, 'm-retry'), withVersions);
    // Assess
    expect(failed.map((result) => result.status)).toEqual(['rejected']);
    expect(afterFailure).toMatchObject({ listRequests: 1 });
    expect(afterFailure).not.toHaveProperty('newKeys');
    expect(retried.map((result) => result.status)).toEqual(['fulfilled']);
    expect(await savingsItem('SAVINGS#TOTAL')).toMatchObject({ listRequests: 2, newKeys: 1, newKeyPathsAvoided: 2 });
  });

  it('records on the entry how many changed keys were new and left free beside a modified one', async () => {
    // Prepare: index.html is new, about.html is not (two versions)
    const deps = depsOf({ newKeys: true });
    // Act
    await collectBatch(batchOf(['index.html', 'about.html'], 'm-mixed'), {
      ...deps,
      newKeys: { ...deps.newKeys, versions: ABOUT_MODIFIED } as NonNullable<typeof deps.newKeys>,
    });
    // Assess: index.html serves / and /index.html, both free and left uncovered
    const [invalidation] = world.emulator.invalidations(SITE);
    expect([...(invalidation?.paths ?? [])]).toEqual(['/about.html']);
    const entry = (await readMonth(world.dynamo, world.tableName, MONTH)).find((item) =>
      String(item.sk).startsWith('INV#'),
    );
    expect(entry).toMatchObject({ newKeys: 1, freePaths: 2, newKeyPathsAvoided: 2, listRequests: 1 });
    expect(await savingsItem('SAVINGS#TOTAL')).toMatchObject({ newKeys: 1, newKeyPathsAvoided: 2 });
  });
});
