import { describe, expect, it } from 'vitest';
import { splitNewKeys } from '../../shared/app/new-keys.ts';
import { parseSqsRecords } from '../../shared/domain/events.ts';
import { groupChanges } from '../../shared/domain/group-changes.ts';
import { errorCachingMsOf, findNewKeys, type KeyHistory } from '../../shared/domain/new-keys.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const SECOND = 1000;

function history(versions: number, deleteMarkers = 0): KeyHistory {
  return { versions, deleteMarkers };
}

describe('findNewKeys', () => {
  const histories = new Map([
    ['new.js', history(1)],
    ['modified.js', history(2)],
    ['recreated.js', history(1, 1)],
  ]);

  it('takes a key with one version and no delete marker, once the error-caching TTL has passed', () => {
    // Act
    const found = findNewKeys(
      ['new.js', 'modified.js', 'recreated.js', 'unlisted.js'].map((key) => ({ key, createdAt: T0 })),
      { histories, errorCachingMs: 10 * SECOND, now: T0 + 10 * SECOND },
    );
    // Assess
    expect([...found]).toEqual(['new.js']);
  });

  it('keeps a key must while a 404 cached before its upload may still be served', () => {
    // Act
    const found = findNewKeys([{ key: 'new.js', createdAt: T0 }], {
      histories,
      errorCachingMs: 10 * SECOND,
      now: T0 + 10 * SECOND - 1,
    });
    // Assess
    expect(found.size).toBe(0);
  });

  it('finds nothing without histories (an unversioned bucket) or without an event time', () => {
    // Act
    const unversioned = findNewKeys([{ key: 'new.js', createdAt: T0 }], {
      histories: undefined,
      errorCachingMs: 0,
      now: T0,
    });
    const untimed = findNewKeys([{ key: 'new.js', createdAt: undefined }], { histories, errorCachingMs: 0, now: T0 });
    // Assess
    expect([unversioned.size, untimed.size]).toEqual([0, 0]);
  });
});

describe('errorCachingMsOf', () => {
  it('is CloudFront default of 10 s when no custom error response is set', () => {
    expect(errorCachingMsOf([])).toBe(10_000);
  });

  it('takes the longest of 403 and 404, 10 s for a code without a TTL', () => {
    // Act
    const set404 = errorCachingMsOf([{ ErrorCode: 404, ErrorCachingMinTTL: 300 }]);
    const short = errorCachingMsOf([
      { ErrorCode: 403, ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ErrorCachingMinTTL: 1 },
      { ErrorCode: 500, ErrorCachingMinTTL: 3600 },
    ]);
    // Assess
    expect([set404, short]).toEqual([300_000, 1_000]);
  });
});

describe('splitNewKeys', () => {
  const routes = compileRoutes([{ bucket: 'site-bucket', distributionId: 'E1SITE0000000A', inventory: true }]);
  const records = [
    buildSqsRecord(
      buildS3Notification([
        buildS3Record({ key: 'assets/app.1a2b.js', eventTime: '2026-11-21T10:00:00.000Z' }),
        buildS3Record({ key: 'docs/index.html', eventTime: '2026-11-21T10:00:00.000Z' }),
        buildS3Record({ key: 'index.html', eventTime: '2026-11-21T10:00:00.000Z' }),
        buildS3Record({ key: 'gone.html', eventTime: '2026-11-21T10:00:00.000Z' }),
        buildS3Record({ key: 'gone.html', eventName: 'ObjectRemoved:Delete', eventTime: '2026-11-21T10:00:01.000Z' }),
      ]),
      { messageId: 'm1' },
    ),
  ];
  const changes = parseSqsRecords(records).changes;
  const group = groupChanges(changes, routes).groups.get('E1SITE0000000A');
  const asked: string[][] = [];
  const newKeys = {
    versions: {
      histories: async (_bucket: string, keys: readonly string[]) => {
        asked.push([...keys].sort());
        return {
          histories: new Map([
            ['assets/app.1a2b.js', history(1)],
            ['docs/index.html', history(1)],
            ['index.html', history(3)],
          ]),
          requests: { list: 3, get: 1 },
        };
      },
    },
    errorCaching: { errorCachingMs: async () => 10 * SECOND },
  };
  const log = { warn: () => undefined };

  it('moves the paths of new keys to free, index-document directories included', async () => {
    // Act
    if (group === undefined) throw new Error('expected a group');
    const split = await splitNewKeys(group, { routes, newKeys, now: () => T0 + 60 * SECOND, log });
    // Assess: gone.html was created and deleted in the batch, so it is not even asked about
    expect(asked).toEqual([['assets/app.1a2b.js', 'docs/index.html', 'index.html']]);
    expect(split.free.sort()).toEqual(['/assets/app.1a2b.js', '/docs/', '/docs/index.html']);
    expect(split.changed.sort()).toEqual(['/', '/gone.html', '/index.html']);
    expect(split.newKeys).toBe(2);
    expect(split.requests).toEqual({ list: 3, get: 1 });
  });

  it('counts the S3 requests a failed listing made before it failed (billed all the same)', async () => {
    // Prepare: the listing fails after two pages and the versioning check
    if (group === undefined) throw new Error('expected a group');
    const failure = Object.assign(new Error('SlowDown'), { requests: { list: 2, get: 1 } });
    const failing = { ...newKeys, versions: { histories: () => Promise.reject(failure) } };
    // Act
    const split = await splitNewKeys(group, { routes, newKeys: failing, now: () => T0 + 60 * SECOND, log });
    // Assess
    expect(split.free).toEqual([]);
    expect(split.requests).toEqual({ list: 2, get: 1 });
  });

  it('covers everything when the evidence fails, or before the error-caching TTL', async () => {
    // Prepare
    if (group === undefined) throw new Error('expected a group');
    const failing = { ...newKeys, errorCaching: { errorCachingMs: () => Promise.reject(new Error('AccessDenied')) } };
    // Act
    const failed = await splitNewKeys(group, { routes, newKeys: failing, now: () => T0 + 60 * SECOND, log });
    const early = await splitNewKeys(group, { routes, newKeys, now: () => T0 + 5 * SECOND, log });
    // Assess
    for (const split of [failed, early]) {
      expect(split.free).toEqual([]);
      expect(split.changed.length).toBe(group.paths.length);
    }
  });

  it.each([
    ['turns listing off (unversioned as far as it knows)', { inventory: false }],
    [
      'is a trigger route (its paths are not the key own)',
      { trigger: { keys: ['index.html'], paths: ['/*'] }, inventory: true },
    ],
  ])('asks nothing about a bucket whose route %s', async (_, extra) => {
    // Prepare
    const unlisted = compileRoutes([
      { bucket: 'site-bucket', distributionId: 'E1SITE0000000A', ...extra },
      { bucket: 'site-bucket', distributionId: 'E1SITE0000000A', inventory: true, prefix: 'assets/' },
    ]);
    const own = groupChanges(changes, unlisted).groups.get('E1SITE0000000A');
    if (own === undefined) throw new Error('expected a group');
    asked.length = 0;
    // Act
    const split = await splitNewKeys(own, { routes: unlisted, newKeys, now: () => T0 + 60 * SECOND, log });
    // Assess
    expect(asked).toEqual([]);
    expect(split.free).toEqual([]);
    expect(split.changed.length).toBe(own.paths.length);
  });
});
