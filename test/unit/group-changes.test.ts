import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSqsRecords } from '../../shared/domain/events.ts';
import {
  commonPathPrefix,
  countObjects,
  groupChanges,
  keyPrefixOfPathPrefix,
} from '../../shared/domain/group-changes.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { compileRoutes, routeChange } from '../../shared/domain/routes.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

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
      expect(site === undefined ? 0 : countObjects(site)).toBe(2);
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
