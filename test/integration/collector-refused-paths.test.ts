import { describe, expect, it } from 'vitest';
import { collectBatch, drainPending } from '../../shared/app/collect-batch.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { DEFAULT_REFUSED_CHARACTERS, matchesInvalidationPath } from '../../shared/local/cloudfront-emulator/index.ts';
import { buildCollectorDeps, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildSqsBatch } from '../helpers/events.ts';

const SITE = 'E1REFUSE00000A';
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE }];
const NOW = Date.parse('2026-11-21T12:00:00Z');
// A roomy budget keeps every path exact, so the refused one travels in a request with the others.
const POLICY = { monthlyPathBudget: 1_000_000, maxPathsPerInvalidation: 3000 };

describe('collectBatch with a path CloudFront refuses', () => {
  // `!` stands for a refusal nobody foresaw: the planner keeps it in an exact path.
  const world = useCollectorWorld({
    distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] }],
    refusedCharacters: `${DEFAULT_REFUSED_CHARACTERS}!`,
  });

  it('issues every other path and covers the refused key with a wildcard cut before its doubtful character', async () => {
    // Prepare
    const goodKeys = Array.from({ length: 9 }, (_, i) => `pages/page-${i}.html`);
    const keys = [...goodKeys, 'sale/promo!.html'];
    const records = buildSqsBatch({ bucket: 'site-bucket', keys, recordsPerMessage: 1 });
    const deps = buildCollectorDeps({ ...world, routes: ROUTES, policy: POLICY, now: () => NOW });

    // Act
    const results = await collectBatch(records, deps);

    // Assess
    expect(results.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
    const issued = world.emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths]);
    for (const key of goodKeys) expect(issued).toContain(toCloudFrontPath(key));
    expect(issued).toContain('/sale/promo*');
    expect(issued.some((path) => path.includes('!'))).toBe(false);
    expect(issued).toHaveLength(keys.length);
    expect(issued.every((path) => keys.some((key) => matchesInvalidationPath(path, toCloudFrontPath(key))))).toBe(true);
    const total = (await readMonth(world.dynamo, world.tableName, '2026-11')).find((item) => item.sk === 'TOTAL');
    expect(total?.paths).toBe(issued.length);
    expect(total?.invalidations).toBe(world.emulator.invalidations(SITE).length);
    expect(deps.metrics.values.get('RefusedPaths')).toBe(1);
    const line = deps.log.lines.find((entry) => entry.message === 'invalidation path refused');
    expect(line?.extra).toMatchObject({
      path: '/sale/promo!.html',
      key: 'sale/promo!.html',
      coveredBy: '/sale/promo*',
    });
  });

  it('issues nothing twice when the same messages come back after a later failure', async () => {
    // Prepare
    const keys = ['a/1.html', 'a/2.html', "b/it's.html", 'c/why!.html'];
    const records = buildSqsBatch({ bucket: 'site-bucket', keys, recordsPerMessage: 4 });
    const deps = buildCollectorDeps({ ...world, routes: ROUTES, policy: POLICY, now: () => NOW });

    // Act
    await collectBatch(records, deps);
    const created = world.emulator.invalidations(SITE).length;
    const again = await collectBatch(records, deps);

    // Assess
    expect(again.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(world.emulator.invalidations(SITE)).toHaveLength(created);
    const total = (await readMonth(world.dynamo, world.tableName, '2026-11')).find((item) => item.sk === 'TOTAL');
    const issued = world.emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths]);
    expect(total?.paths).toBe(issued.length);
    expect(issued).toEqual(expect.arrayContaining(['/b/it*', '/c/why*', '/a/1.html', '/a/2.html']));
  });

  it.each([
    // Requests: the whole (refused), its first half (accepted), then the second half (throttled).
    { failing: 'the second half', accepted: 2, issuedParts: 1, left: 5 },
    // The second half refused too: its first quarter accepted, its last quarter throttled.
    { failing: 'the last quarter', accepted: 4, issuedParts: 2, left: 2 },
  ])(
    'issues each accepted part once when $failing then fails: only the rest waits in the pending set',
    async ({ accepted, issuedParts, left }) => {
      // Prepare
      const goodKeys = Array.from({ length: 9 }, (_, i) => `pages/page-${i}.html`);
      const keys = [...goodKeys, 'sale/promo!.html'];
      const records = buildSqsBatch({ bucket: 'site-bucket', keys, recordsPerMessage: 1 });
      const deps = buildCollectorDeps({ ...world, routes: ROUTES, policy: POLICY, now: () => NOW, withPending: true });
      world.emulator.faults
        .next('CreateInvalidation', { kind: 'latency', ms: 1, times: accepted })
        .next('CreateInvalidation', { kind: 'throttle' });

      // Act
      const results = await collectBatch(records, deps);
      const afterBatch = world.emulator.invalidations(SITE).length;
      await drainPending(deps);

      // Assess
      expect(results.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
      expect(world.emulator.faults.injected().at(-1)?.kind).toBe('throttle');
      expect(afterBatch).toBe(issuedParts);
      const issued = world.emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths]);
      // Every path once: the drain took only what the throttled part asked for.
      expect([...issued].sort()).toEqual([...goodKeys.map(toCloudFrontPath), '/sale/promo*'].sort());
      const total = (await readMonth(world.dynamo, world.tableName, '2026-11')).find((item) => item.sk === 'TOTAL');
      expect(total?.paths).toBe(issued.length);
      const rest = deps.log.lines.find(
        (entry) => entry.message === 'refused request issued in part: the rest is pending',
      );
      expect(rest?.extra).toMatchObject({ issuedParts, paths: left, error: 'CloudFrontError' });
      expect(await deps.pending?.list(SITE)).toEqual([]);
    },
  );
});
