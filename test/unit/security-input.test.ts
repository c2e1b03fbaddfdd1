import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSqsRecords } from '../../shared/domain/events.ts';
import { groupChanges } from '../../shared/domain/group-changes.ts';
import { planInvalidation } from '../../shared/domain/planner/index.ts';
import { compileRoutes, routeChange } from '../../shared/domain/routes.ts';
import { matchesInvalidationPath, parseInvalidationBatch } from '../../shared/local/cloudfront-emulator/index.ts';
import {
  buildEventBridgeS3Event,
  buildS3Notification,
  buildS3Record,
  buildSnsEnvelope,
  buildSqsRecord,
} from '../helpers/events.ts';

/**
 * What a sender of untrusted input can and cannot make the collector do (docs/security.md): object
 * keys come from whoever can write to a bucket; whole messages from whoever can send to the queue.
 */

const ROUTES = compileRoutes([
  { bucket: 'site-bucket', distributionId: 'E1SITE0000000A' },
  { bucket: 'site-bucket', distributionId: 'E2PROD0000000B', originPath: '/prod' },
  { bucket: 'docs-bucket', prefix: 'docs/', distributionId: 'E3DOCS0000000C' },
]);

/** The XML body the SDK sends for CreateInvalidation, so the emulator's CloudFront rules can judge it. */
function invalidationXml(paths: readonly string[]): string {
  const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const items = paths.map((path) => `<Path>${escapeXml(path)}</Path>`).join('');
  return `<InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${items}</Items></Paths><CallerReference>inv-x</CallerReference></InvalidationBatch>`;
}

function reasonsOf(body: unknown): string[] {
  return parseSqsRecords([buildSqsRecord(body)]).problems.map((problem) => problem.reason);
}

describe('untrusted input', () => {
  describe('message fields a sender wrote', () => {
    it('never echoes their text into a reason, wherever it sits (regression)', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 6, maxLength: 80 }), (raw) => {
          // Prepare: `#` keeps the text outside AWS's vocabulary, which reasons may echo.
          const text = `#${raw}`;
          const record = (patch: Record<string, unknown>) => ({
            Records: [{ ...buildS3Record({ key: 'a.html' }), ...patch }],
          });
          const bodies: unknown[] = [
            JSON.stringify(text),
            { Records: text },
            { Records: [text] },
            record({ eventSource: text }),
            record({ eventName: text }),
            buildSnsEnvelope('x', { Type: text }),
            buildEventBridgeS3Event({ key: 'a', detailType: text }),
            buildS3Notification([buildS3Record({ key: 'a', encodedKey: `${text}%E0%A4%A` })]),
          ];

          // Act
          const reasons = bodies.flatMap(reasonsOf);

          // Assess
          expect(reasons).toHaveLength(bodies.length);
          for (const reason of reasons) expect(reason).not.toContain(text);
        }),
      );
    });

    it("echoes AWS's own event names, so an operator sees what was ignored", () => {
      // Act
      const reasons = [
        ...reasonsOf(buildS3Notification([buildS3Record({ key: 'a', eventName: 'ObjectRestore:Completed' })])),
        ...reasonsOf(buildEventBridgeS3Event({ key: 'a', detailType: 'Object Tags Added' })),
        ...reasonsOf(buildSnsEnvelope('x', { Type: 'SubscriptionConfirmation' })),
      ];

      // Assess
      expect(reasons).toEqual([
        'Records[0].eventName: expected ObjectCreated:*, ObjectRemoved:* or LifecycleExpiration:*, got "ObjectRestore:Completed" (ignored)',
        'detail-type: expected "Object Created" or "Object Deleted", got "Object Tags Added" (ignored)',
        'Type: expected an SNS "Notification", got "SubscriptionConfirmation"',
      ]);
    });
  });

  describe('a key no S3 would hold', () => {
    it('is planned into paths CloudFront accepts that cover it, however long or odd', () => {
      const key = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.string({ unit: fc.constantFrom('*', '?', '#', '%', ' ', '+', '~', '/', 'é', '\u0000', 'a'), maxLength: 40 }),
        fc.nat({ max: 3 }).map((n) => `deep/${'k'.repeat(3_990 + n * 50)}/x`),
      );
      fc.assert(
        fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 12 }), (keys) => {
          // Prepare
          const records = keys.map((k) => buildSqsRecord(buildS3Notification([buildS3Record({ key: `x${k}` })])));
          const { groups } = groupChanges(parseSqsRecords(records).changes, ROUTES);

          // Act
          const plans = [...groups.values()].map((group) => ({
            changed: [...group.paths],
            plan: planInvalidation({ changed: [...group.paths], maxPaths: 5, maxWildcards: 5 }),
          }));

          // Assess
          expect(plans.length).toBeGreaterThan(0);
          for (const { changed, plan } of plans) {
            const paths = plan.paths.map((planned) => planned.path);
            expect(() => parseInvalidationBatch(invalidationXml(paths))).not.toThrow();
            for (const path of changed) {
              expect(paths.some((candidate) => matchesInvalidationPath(candidate, path))).toBe(true);
            }
          }
        }),
        { numRuns: 60 },
      );
    });

    it('reaches only the distributions its bucket routes to', () => {
      const key = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constantFrom('../prod/x', 'prod/../../docs/x', '/docs/x', '%2e%2e/prod', 'docs/../x', 'prod', 'prod/'),
      );
      fc.assert(
        fc.property(fc.constantFrom('site-bucket', 'docs-bucket', 'other-bucket'), key, (bucket, k) => {
          // Act
          const hits = routeChange(ROUTES, bucket, k);

          // Assess
          const allowed = ROUTES.routes
            .filter((route) => route.config.bucket === bucket)
            .map((route) => route.distributionId);
          for (const hit of hits) {
            if (hit.ok) expect(allowed).toContain(hit.distributionId);
            else if (hit.distributionId !== null) expect(allowed).toContain(hit.distributionId);
          }
        }),
      );
    });
  });

  describe('a batch', () => {
    it('keeps every good record of a 10,000-record batch next to its junk', () => {
      // Prepare
      const good = Array.from({ length: 9_000 }, (_, i) =>
        buildSqsRecord(buildS3Notification([buildS3Record({ key: `s${i % 30}/p-${i}.html` })])),
      );
      const junkBodies = ['not json', '""', '{"Records":{}}', '[1,2]', `${'['.repeat(10_000)}${']'.repeat(10_000)}`];
      const junk = Array.from({ length: 1_000 }, (_, i) => buildSqsRecord(junkBodies[i % junkBodies.length]));
      const records = good.flatMap((record, i) => (i % 9 === 0 ? [record, junk[i / 9] ?? record] : [record]));

      // Act
      const batch = parseSqsRecords(records);

      // Assess
      expect(records).toHaveLength(10_000);
      expect(batch.changes).toHaveLength(9_000);
      expect(new Set(batch.problems.map((problem) => problem.messageId))).toEqual(
        new Set(junk.map((record) => record.messageId)),
      );
    });

    it('treats a body nested a million levels deep as junk without throwing', () => {
      // Prepare
      const body = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;

      // Act
      const batch = parseSqsRecords([buildSqsRecord(body, { messageId: 'm-deep' })]);

      // Assess
      expect(batch.changes).toEqual([]);
      expect(batch.problems.map((problem) => problem.messageId)).toEqual(['m-deep']);
    });
  });

  describe('a flood of distinct keys', () => {
    it('stays within the path and wildcard budget of its batch', () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), {
            minLength: 50,
            maxLength: 2_000,
          }),
          fc.integer({ min: 1, max: 25 }),
          (keys, maxPaths) => {
            // Prepare
            const changed = [...new Set(keys.map((k) => `/${encodeURIComponent(k)}`))];

            // Act
            const plan = planInvalidation({ changed, maxPaths, maxWildcards: 13 });

            // Assess
            expect(plan.paths.length).toBeLessThanOrEqual(maxPaths);
            expect(plan.wildcardPaths).toBeLessThanOrEqual(13);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
