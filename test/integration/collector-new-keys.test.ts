import { describe, expect, it } from 'vitest';
import { CloudFrontErrorCaching } from '../../shared/adapters/cloudfront-error-caching.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import type { VersionHistoryReader } from '../../shared/app/new-keys.ts';
import type { KeyHistory } from '../../shared/domain/new-keys.ts';
import { buildCollectorDeps, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE, inventory: true }];
const CREATED = '2026-11-21T12:00:00.000Z';
const TTL_SECONDS = 30;

/**
 * Versions as a versioned bucket would list them, in memory so each case pins its histories; the S3
 * adapter has its own tests, and test/integration/stack-new-keys.test.ts runs the whole chain on the
 * local S3's versioning.
 */
const VERSIONS: VersionHistoryReader = {
  histories: async (_bucket, keys) => {
    const known: Record<string, KeyHistory> = {
      'assets/app.1a2b.js': { versions: 1, deleteMarkers: 0 },
      'assets/vendor.3c4d.js': { versions: 1, deleteMarkers: 0 },
      'about.html': { versions: 2, deleteMarkers: 0 },
      'old.html': { versions: 1, deleteMarkers: 1 },
    };
    const histories = new Map(keys.flatMap((key) => (known[key] === undefined ? [] : [[key, known[key]] as const])));
    return { histories, requests: { list: 1, get: 0 } };
  },
};

function batchOf(keys: readonly string[]) {
  return [
    buildSqsRecord(buildS3Notification(keys.map((key) => buildS3Record({ key, eventTime: CREATED }))), {
      messageId: `m-${keys.join(',')}`,
    }),
  ];
}

describe('collectBatch with new-key evidence', () => {
  const world = useCollectorWorld({
    distributions: [
      {
        id: SITE,
        origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }],
        customErrorResponses: [{ errorCode: 404, errorCachingMinTtl: TTL_SECONDS }],
      },
    ],
  });

  function depsAt(secondsAfterCreation: number) {
    const now = () => Date.parse(CREATED) + secondsAfterCreation * 1000;
    const deps = buildCollectorDeps({ ...world, routes: ROUTES, now });
    const errorCaching = new CloudFrontErrorCaching(world.cloudFront, { cacheMs: 0, now });
    return { ...deps, newKeys: { versions: VERSIONS, errorCaching } };
  }

  it('issues and counts nothing for a deploy of only new keys once the error-caching TTL has passed', async () => {
    // Act
    const results = await collectBatch(batchOf(['assets/app.1a2b.js', 'assets/vendor.3c4d.js']), depsAt(TTL_SECONDS));
    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled']);
    expect(world.emulator.invalidations(SITE)).toEqual([]);
    expect(await readMonth(world.dynamo, world.tableName, '2026-11')).toEqual([]);
  });

  it('invalidates a modified key and a re-created key, but not the new one', async () => {
    // Act
    await collectBatch(batchOf(['assets/app.1a2b.js', 'about.html', 'old.html']), depsAt(TTL_SECONDS));
    // Assess
    const paths = world.emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths]);
    expect(paths.sort()).toEqual(['/about.html', '/old.html']);
  });

  it('covers a new key while a 404 cached before its upload may still be served', async () => {
    // Act
    await collectBatch(batchOf(['assets/app.1a2b.js']), depsAt(TTL_SECONDS - 1));
    // Assess
    const paths = world.emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths]);
    expect(paths).toEqual(['/assets/app.1a2b.js']);
  });
});
