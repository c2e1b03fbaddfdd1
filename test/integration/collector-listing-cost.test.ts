import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontErrorCaching } from '../../shared/adapters/cloudfront-error-caching.ts';
import { DynamoReportReader } from '../../shared/adapters/dynamodb-report-reader.ts';
import { DynamoSavingsCounters } from '../../shared/adapters/dynamodb-savings-counters.ts';
import { S3KeyLister } from '../../shared/adapters/s3-key-lister.ts';
import { S3VersionHistory } from '../../shared/adapters/s3-version-history.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { countCommands, createS3Client, uniqueName } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const CREATED = '2026-11-21T12:00:00.000Z';
const MONTH = '2026-11';
/** Past the distribution's error-caching TTL (10 s: no CustomErrorResponses). */
const PLANNED_AT = Date.parse(CREATED) + 60_000;
/** Enough versions in `assets/` that its ListObjectVersions takes two pages (1,000 entries each). */
const OLD_ASSETS = Array.from({ length: 1_000 }, (_, i) => `assets/old-${String(i).padStart(4, '0')}.js`);
const NEW_ASSETS = ['assets/app.1a2b.js', 'assets/vendor.3c4d.js'];

let s3: S3Client;
/** What the S3 client sent, counted at the client (not by the code under test). */
let sent: Map<string, number>;
let bucket = '';

function batchOf(keys: readonly string[], messageId: string) {
  const records = keys.map((key) => buildS3Record({ bucket, key, eventTime: CREATED }));
  return [buildSqsRecord(buildS3Notification(records), { messageId })];
}

/** S3 requests at the LIST tier (ListObjectsV2 for the inventory, ListObjectVersions for evidence). */
const listSent = () => (sent.get('ListObjectsV2Command') ?? 0) + (sent.get('ListObjectVersionsCommand') ?? 0);

describe('collectBatch listing cost on a versioned bucket', () => {
  const world = useCollectorWorld({
    distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site.s3.us-east-1.amazonaws.com' }] }],
  });

  beforeAll(async () => {
    const seeding = createS3Client();
    bucket = uniqueName('listing-cost').toLowerCase();
    await seeding.send(new CreateBucketCommand({ Bucket: bucket }));
    await seeding.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const put = (Key: string) => seeding.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    for (let i = 0; i < OLD_ASSETS.length; i += 50) await Promise.all(OLD_ASSETS.slice(i, i + 50).map(put));
    // New: one version each. Modified: about.html has two.
    for (const key of [...NEW_ASSETS, 'index.html', 'about.html', 'about.html']) await put(key);
    seeding.destroy();
    s3 = createS3Client();
    sent = countCommands(s3);
  }, 60_000);
  afterAll(() => s3.destroy());

  function depsOf() {
    const now = () => PLANNED_AT;
    // The route lists by default (`inventory` on), so the stack grants the version listing too.
    const deps = buildCollectorDeps({ ...world, routes: [{ bucket, distributionId: SITE }], now });
    return {
      ...deps,
      lister: new S3KeyLister(s3, { maxRequests: 5, cacheMs: 0, now }),
      savings: new DynamoSavingsCounters(DynamoDBDocumentClient.from(world.dynamo), { tableName: world.tableName }),
      newKeys: {
        versions: new S3VersionHistory(s3, { maxRequests: 10, versioningCacheMs: 300_000, now }),
        errorCaching: new CloudFrontErrorCaching(world.cloudFront, { cacheMs: 0, now }),
      },
    };
  }

  it('counts every ListObjectVersions page as a LIST request and the versioning check as a GET one', async () => {
    // Prepare
    sent.clear();
    const deps = depsOf();
    // Act: two new assets, a new index.html and a modified about.html
    const results = await collectBatch(batchOf([...NEW_ASSETS, 'index.html', 'about.html'], 'm-1'), deps);
    // Assess: the client sent two pages for assets/, one for the root, and the inventory's listing
    expect(results.map((result) => result.status)).toEqual(['fulfilled']);
    expect(sent.get('ListObjectVersionsCommand')).toBe(3);
    expect(sent.get('GetBucketVersioningCommand')).toBe(1);
    const items = await readMonth(world.dynamo, world.tableName, MONTH);
    const total = items.find((item) => item.sk === 'SAVINGS#TOTAL');
    expect(total).toMatchObject({ listRequests: listSent(), getRequests: 1, newKeys: 3 });
    const entry = items.find((item) => String(item.sk).startsWith('INV#'));
    expect(entry).toMatchObject({ listRequests: listSent(), newKeys: 3 });
    expect([...(world.emulator.invalidations(SITE)[0]?.paths ?? [])]).toEqual(['/about.html']);
  });

  it('bills a later batch its pages only while the versioning status is cached, and the report prices both', async () => {
    // Prepare: one reader across both batches, as in a warm Lambda
    sent.clear();
    const deps = depsOf();
    // Act
    await collectBatch(batchOf(['index.html'], 'm-2'), deps);
    await collectBatch(batchOf(['assets/app.1a2b.js'], 'm-3'), deps);
    // Assess
    expect(sent.get('GetBucketVersioningCommand')).toBe(1);
    const reader = new DynamoReportReader(DynamoDBDocumentClient.from(world.dynamo), { tableName: world.tableName });
    const { savings } = await reader.readMonth(MONTH);
    expect(savings.total).toMatchObject({ listRequests: listSent(), getRequests: 1, newKeys: 2 });
    expect(savings.distributions).toEqual([{ distributionId: SITE, counters: savings.total }]);
  });
});
