import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSqsRecords, type S3Change } from '../../shared/domain/events.ts';
import {
  commonPathPrefix,
  type DistributionGroup,
  groupChanges,
  groupSqsRecords,
  keyPrefixOfPathPrefix,
  regroupWithout,
} from '../../shared/domain/group-changes.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { compileRoutes, type RouteTable, routeChange } from '../../shared/domain/routes.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord, buildTestEvent } from '../helpers/events.ts';

const ROUTES = compileRoutes([
  { bucket: 'site-bucket', distributionId: 'E1SITE0000000A' },
  { bucket: 'site-bucket', prefix: 'docs/', distributionId: 'E2DOCS0000000B' },
]);

describe('groupChanges', () => {
  describe('a batch feeding two distributions', () => {
    it('groups paths, messages and objects per distribution', () => {
      // Prepare
      const records = [
        buildSqsRecord(
          buildS3Notification([buildS3Record({ key: 'docs/index.html', eventTime: '2026-11-21T10:00:02.000Z' })]),
          { messageId: 'm1' },
        ),
        buildSqsRecord(
          buildS3Notification([buildS3Record({ key: 'a b.html', eventTime: '2026-11-21T10:00:01.000Z' })]),
          { messageId: 'm2' },
        ),
      ];

      // Act
      const { groups, skipped } = groupChanges(parseSqsRecords(records).changes, ROUTES);

      // Assess
      expect(skipped).toEqual([]);
      const site = groups.get('E1SITE0000000A');
      const docs = groups.get('E2DOCS0000000B');
      expect([...(site?.paths ?? [])].sort()).toEqual(['/a%20b.html', '/docs/', '/docs/index.html']);
      expect([...(site?.messageIds ?? [])].sort()).toEqual(['m1', 'm2']);
      expect(site?.objectCount).toBe(2);
      expect(site?.firstEventAt).toBe(Date.parse('2026-11-21T10:00:01.000Z'));
      expect([...(docs?.paths ?? [])].sort()).toEqual(['/docs/', '/docs/index.html']);
      expect([...(docs?.messageIds ?? [])]).toEqual(['m1']);
    });
  });

  describe('paths of any batch', () => {
    it('are each served path of the changes once, sorted by code unit', () => {
      const key = fc.array(fc.constantFrom('docs/', 'index.html', 'a b', 'é', '~', 'x'), {
        minLength: 1,
        maxLength: 4,
      });
      fc.assert(
        fc.property(fc.array(key, { minLength: 1, maxLength: 30 }), (parts) => {
          // Prepare: keys that repeat and that collide on a path (`docs/index.html` and `docs/` serve `/docs/`).
          const keys = parts.map((part) => part.join(''));
          const records = keys.map((k, i) =>
            buildSqsRecord(buildS3Notification([buildS3Record({ key: k })]), { messageId: `m${i % 5}` }),
          );

          // Act
          const { groups } = groupChanges(parseSqsRecords(records).changes, ROUTES);

          // Assess: against every hit's paths gathered in a Set, sorted by the default (code unit) order.
          for (const [distributionId, group] of groups) {
            const expected = new Set<string>();
            for (const k of keys) {
              for (const hit of routeChange(ROUTES, 'site-bucket', k)) {
                if (hit.ok && hit.distributionId === distributionId)
                  for (const path of hit.servedPaths) expected.add(path);
              }
            }
            expect(group.paths).toEqual([...expected].sort());
          }
        }),
      );
    });
  });

  describe('a change no route takes', () => {
    it('is reported as skipped with its reason', () => {
      // Prepare
      const records = [
        buildSqsRecord(buildS3Notification([buildS3Record({ bucket: 'other-bucket', key: 'x.html' })]), {
          messageId: 'm3',
        }),
      ];

      // Act
      const { groups, skipped } = groupChanges(parseSqsRecords(records).changes, ROUTES);

      // Assess
      expect(groups.size).toBe(0);
      expect(skipped).toEqual([{ messageId: 'm3', bucket: 'other-bucket', key: 'x.html', reason: 'no-route' }]);
    });
  });
});

/** Routes whose paths collide: two routes of one distribution, an index document, an exclude glob. */
const OVERLAPPING = compileRoutes([
  { bucket: 'site-bucket', distributionId: 'E1SITE0000000A', exclude: ['**/*.map'] },
  { bucket: 'site-bucket', prefix: 'docs/', distributionId: 'E1SITE0000000A' },
  { bucket: 'site-bucket', prefix: 'docs/', distributionId: 'E2DOCS0000000B', indexNoSlash: true },
  { bucket: 'other-bucket', distributionId: 'E1SITE0000000A' },
]);

/** What a group must hold, computed the plain way from the parsed changes: every hit, `Set`s and a sort. */
function expectedGroups(changes: readonly S3Change[], table: RouteTable) {
  const groups = new Map<
    string,
    { messageIds: Set<string>; paths: Set<string>; objects: Set<string>; changes: S3Change[]; routes: Set<number> }
  >();
  for (const change of changes) {
    for (const hit of routeChange(table, change.bucket, change.key)) {
      if (!hit.ok) continue;
      let group = groups.get(hit.distributionId);
      if (group === undefined) {
        group = { messageIds: new Set(), paths: new Set(), objects: new Set(), changes: [], routes: new Set() };
        groups.set(hit.distributionId, group);
      }
      group.messageIds.add(change.messageId);
      for (const path of hit.servedPaths) group.paths.add(path);
      group.objects.add(`${change.bucket}\n${change.key}`);
      if (group.changes.at(-1) !== change) group.changes.push(change);
      group.routes.add(hit.routeIndex);
    }
  }
  return new Map(
    [...groups].map(([id, group]) => [
      id,
      {
        messageIds: [...group.messageIds],
        paths: [...group.paths].sort(),
        objectCount: group.objects.size,
        changes: {
          messageIds: group.changes.map((change) => change.messageId),
          buckets: group.changes.map((change) => change.bucket),
          keys: group.changes.map((change) => change.key),
          kinds: group.changes.map((change) => change.kind),
          eventTimes: group.changes.map((change) => change.eventTime),
        },
        routeIndexes: group.routes,
      },
    ]),
  );
}

function shapeOf(groups: ReadonlyMap<string, DistributionGroup>) {
  return new Map(
    [...groups].map(([id, group]) => [
      id,
      {
        messageIds: group.messageIds,
        paths: group.paths,
        objectCount: group.objectCount,
        changes: group.changes,
        routeIndexes: group.routeIndexes,
      },
    ]),
  );
}

/** Batches with what makes grouping hard: one message id on several records, keys changed twice, colliding paths, junk. */
const BATCH = fc.array(
  fc.record({
    messageId: fc.constantFrom('m0', 'm1', 'm2', 'm3'),
    body: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.array(
          fc.record({
            bucket: fc.constantFrom('site-bucket', 'other-bucket', 'unknown-bucket'),
            key: fc.constantFrom(
              'index.html',
              'docs/',
              'docs/index.html',
              'docs/a b.html',
              'app.js.map',
              'é.html',
              'x',
            ),
            eventName: fc.constantFrom('ObjectCreated:Put', 'ObjectRemoved:Delete', 'ObjectRestore:Completed'),
            second: fc.integer({ min: 10, max: 59 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('test-event', 'junk') },
    ),
  }),
  { minLength: 1, maxLength: 25 },
);

type Batch = typeof BATCH extends fc.Arbitrary<infer T> ? T : never;

function recordsOf(batch: Batch) {
  return batch.map(({ messageId, body }) => {
    if (body === 'test-event') return buildSqsRecord(buildTestEvent(), { messageId });
    if (body === 'junk') return buildSqsRecord('{"Records": 3}', { messageId });
    const records = body.map(({ bucket, key, eventName, second }) =>
      buildS3Record({ bucket, key, eventName, eventTime: `2026-12-02T10:00:${second}.000Z` }),
    );
    return buildSqsRecord(buildS3Notification(records), { messageId });
  });
}

describe('groupSqsRecords', () => {
  it('groups any batch in one walk as routing every parsed change does', () => {
    fc.assert(
      fc.property(BATCH, (batch) => {
        // Prepare
        const records = recordsOf(batch);
        const parsed = parseSqsRecords(records);

        // Act
        const collected = groupSqsRecords(records, OVERLAPPING);

        // Assess: problems and test events as parsed; groups as the plain way makes them (message ids
        // distinct in first-seen order, object count from a Set); skips as groupChanges makes them.
        expect(collected.problems).toEqual(parsed.problems);
        expect(collected.testEvents).toEqual(parsed.testEvents);
        expect(collected.changeCount).toBe(parsed.changes.length);
        expect(shapeOf(collected.groups)).toEqual(expectedGroups(parsed.changes, OVERLAPPING));
        const grouped = groupChanges(parsed.changes, OVERLAPPING);
        expect(collected.skipped).toEqual(grouped.skipped);
        expect(shapeOf(grouped.groups)).toEqual(shapeOf(collected.groups));
        for (const [id, group] of collected.groups) {
          const times = parsed.changes
            .filter((change) => group.changes.messageIds.includes(change.messageId))
            .filter((change) =>
              routeChange(OVERLAPPING, change.bucket, change.key).some((hit) => hit.ok && hit.distributionId === id),
            )
            .map((change) => Date.parse(change.eventTime ?? ''));
          expect(group.firstEventAt).toBe(Math.min(...times));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('regroups a group without some messages as grouping the rest of its changes does', () => {
    fc.assert(
      fc.property(BATCH, fc.subarray(['m0', 'm1', 'm2', 'm3']), (batch, dropped) => {
        // Prepare
        const records = recordsOf(batch);
        const { groups } = groupSqsRecords(records, OVERLAPPING);
        const rest = parseSqsRecords(records.filter((record) => !dropped.includes(record.messageId))).changes;
        const expected = groupChanges(rest, OVERLAPPING).groups;

        for (const [id, group] of groups) {
          // Act
          const regrouped = regroupWithout(group, new Set(dropped), OVERLAPPING);

          // Assess
          const wanted = expected.get(id);
          expect(regrouped === undefined ? undefined : shapeOf(new Map([[id, regrouped]]))).toEqual(
            wanted === undefined ? undefined : shapeOf(new Map([[id, wanted]])),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('commonPathPrefix', () => {
  it('is a prefix of every path, cut before any *', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', 'é') }), { minLength: 1 }), (raw) => {
        // Prepare
        const paths = raw.map((text) => `/${text}`);

        // Act
        const prefix = commonPathPrefix(paths);

        // Assess
        expect(prefix.includes('*')).toBe(false);
        for (const path of paths) expect(path.startsWith(prefix)).toBe(true);
      }),
    );
  });
});

describe('keyPrefixOfPathPrefix', () => {
  it('maps any cut of an encoded key back to a prefix of the key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.nat(), (key, cut) => {
        // Prepare
        const path = toCloudFrontPath(key);
        const prefix = path.slice(0, 1 + (cut % path.length));

        // Act
        const keyPrefix = keyPrefixOfPathPrefix(prefix);

        // Assess
        expect(key.startsWith(keyPrefix)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a whole directory for an index path', () => {
    // Act
    const keyPrefix = keyPrefixOfPathPrefix('/docs/caf%C3%A9/');

    // Assess
    expect(keyPrefix).toBe('docs/café/');
  });
});
