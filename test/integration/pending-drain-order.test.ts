import { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { type CollectorPolicy, collectBatch, drainPending } from '../../shared/app/collect-batch.ts';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { matchesInvalidationPath } from '../../shared/local/cloudfront-emulator/index.ts';
import { buildCollectorDeps } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';

const SITE = 'E1DRAINORDER0A';
const BLOG = 'E2DRAINORDER0B';
const origin = (bucket: string) => [{ id: 's', domainName: `${bucket}.s3.us-east-1.amazonaws.com` }];
const DAY = 86_400_000;

/** One SQS message per key, with the S3 event time `at` (what staleness counts from). */
function batchAt(at: number, keys: readonly string[]) {
  const eventTime = new Date(at).toISOString();
  return keys.map((key) => buildSqsRecord(buildS3Notification([buildS3Record({ key, eventTime })])));
}

describe('the drain, by each change SLO and oldest first', () => {
  const world = useCollectorWorld({
    distributions: [
      { id: SITE, origins: origin('site-bucket') },
      { id: BLOG, origins: origin('site-bucket') },
    ],
  });
  let clock = 0;

  function setUp(policy: Partial<CollectorPolicy>, routes: unknown) {
    const deps = buildCollectorDeps({ ...world, routes, policy, now: () => clock, withPending: true });
    const pending = new DynamoPendingStore(DynamoDBDocumentClient.from(world.dynamo), { tableName: world.tableName });
    const issued = (distributionId: string) =>
      world.emulator.invalidations(distributionId).flatMap((invalidation) => [...invalidation.paths].sort());
    return { deps, pending, issued };
  }

  /** 13 wildcards in flight that never complete: with the margin of 2, no wildcard slot is left. */
  async function fillWildcardSlots(distributionId: string) {
    world.emulator.setCompletionDelay('never');
    for (let i = 0; i < 13; i++) {
      const batch = { CallerReference: `busy-${i}`, Paths: { Quantity: 1, Items: [`/busy-${i}/*`] } };
      await world.cloudFront.send(
        new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: batch }),
      );
    }
  }

  it('issues a route with a short staleness while another route of the same batch is held', async () => {
    // Prepare: a budget of 2 with 1 spent by day 10 is tight (half spent, ahead of the month's pace).
    clock = Date.parse('2026-11-10T09:00:00Z');
    const routes = [
      { bucket: 'site-bucket', prefix: 'news/', distributionId: SITE, maxStalenessSeconds: 60 },
      { bucket: 'site-bucket', prefix: 'blog/', distributionId: BLOG, maxStalenessSeconds: 3600 },
    ];
    const { deps, pending, issued } = setUp({ monthlyPathBudget: 2 }, routes);
    await collectBatch(batchAt(clock, ['news/warm.html']), deps);

    // Act
    clock += 60_000;
    const results = await collectBatch(batchAt(clock, ['news/a.html', 'blog/b.html']), deps);
    const held = await pending.list(BLOG);
    clock += 3540_000;
    await drainPending(deps);

    // Assess
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(issued(SITE)).toEqual(['/news/warm.html', '/news/a.html']);
    expect(held.map((set) => [set.paths, set.maxStalenessSeconds])).toEqual([[['/blog/b.html'], 3600]]);
    expect(issued(BLOG)).toEqual(['/blog/b.html']);
    expect(await pending.list(BLOG)).toEqual([]);
  });

  it('issues a held change with the next change that is due on the same distribution, as one invalidation', async () => {
    // Prepare
    clock = Date.parse('2026-11-10T09:00:00Z');
    const routes = [
      { bucket: 'site-bucket', prefix: 'news/', distributionId: SITE, maxStalenessSeconds: 0 },
      { bucket: 'site-bucket', prefix: 'blog/', distributionId: SITE, maxStalenessSeconds: 3600 },
    ];
    const { deps, pending, issued } = setUp({ monthlyPathBudget: 2 }, routes);
    await collectBatch(batchAt(clock, ['news/warm.html']), deps);

    // Act
    clock += 60_000;
    await collectBatch(batchAt(clock, ['blog/b.html']), deps);
    const held = await pending.list(SITE);
    clock += 600_000;
    await collectBatch(batchAt(clock, ['news/a.html']), deps);

    // Assess: the tight budget gives the merged unit one path, a wildcard over both keys.
    expect(held.flatMap((set) => set.paths)).toEqual(['/blog/b.html']);
    const [first, merged, ...more] = world.emulator.invalidations(SITE).map((invalidation) => [...invalidation.paths]);
    expect(first).toEqual(['/news/warm.html']);
    for (const key of ['blog/b.html', 'news/a.html']) {
      expect(merged?.some((path) => matchesInvalidationPath(path, toCloudFrontPath(key)))).toBe(true);
    }
    expect(more).toEqual([]);
    expect(issued(SITE)).toHaveLength(2);
    expect(await pending.list(SITE)).toEqual([]);
  });

  it('gives a change that two routes of one distribution produce the smaller of their staleness', async () => {
    // Prepare: the whole bucket may wait an hour, news/ not at all; news/ keys take both routes.
    clock = Date.parse('2026-11-10T09:00:00Z');
    const routes = [
      { bucket: 'site-bucket', distributionId: SITE, maxStalenessSeconds: 3600 },
      { bucket: 'site-bucket', prefix: 'news/', distributionId: SITE, maxStalenessSeconds: 0 },
    ];
    const { deps, pending, issued } = setUp({ monthlyPathBudget: 2 }, routes);
    await collectBatch(batchAt(clock, ['warm.html']), deps);

    // Act
    clock += 60_000;
    await collectBatch(batchAt(clock, ['page.html']), deps);
    const held = (await pending.list(SITE)).map((set) => [set.paths, set.maxStalenessSeconds]);
    clock += 60_000;
    await collectBatch(batchAt(clock, ['news/a.html']), deps);

    // Assess
    expect(held).toEqual([[['/page.html'], 3600]]);
    expect(issued(SITE)).toHaveLength(2);
    expect(await pending.list(SITE)).toEqual([]);
  });

  it('issues the oldest pending sets first when the merged set does not fit (regression)', async () => {
    // Prepare: the hard cap of 3 is spent in November; OLD (2 paths) then MID (2 paths) wait. In December
    // the cap leaves 3 paths and no wildcard slot is free: OLD and MID together (4 paths) do not fit.
    clock = Date.parse('2026-11-10T09:00:00Z');
    const { deps, pending, issued } = setUp({ hardMonthlyCap: 3 }, [{ bucket: 'site-bucket', distributionId: SITE }]);
    await fillWildcardSlots(SITE);
    await collectBatch(batchAt(clock, ['w1.html', 'w2.html', 'w3.html']), deps);
    clock += 5 * DAY;
    await collectBatch(batchAt(clock, ['old/a.html', 'old/b.html']), deps);
    clock += 5 * DAY;
    await collectBatch(batchAt(clock, ['mid/a.html', 'mid/b.html']), deps);
    const november = issued(SITE).filter((path) => !path.startsWith('/busy-'));

    // Act
    clock = Date.parse('2026-12-01T00:01:00Z');
    await drainPending(deps);

    // Assess
    expect(november).toEqual(['/w1.html', '/w2.html', '/w3.html']);
    const december = issued(SITE)
      .filter((path) => !path.startsWith('/busy-'))
      .slice(november.length);
    expect(december).toEqual(['/old/a.html', '/old/b.html']);
    expect((await pending.list(SITE)).flatMap((set) => set.paths)).toEqual(['/mid/a.html', '/mid/b.html']);
  });

  it('issues changes past their route staleness before older ones that may still wait', async () => {
    // Prepare: as above, but OLD's route allows 30 days and NEWS's one minute.
    clock = Date.parse('2026-11-10T09:00:00Z');
    const routes = [
      { bucket: 'site-bucket', prefix: 'news/', distributionId: SITE, maxStalenessSeconds: 60 },
      { bucket: 'site-bucket', prefix: 'old/', distributionId: SITE, maxStalenessSeconds: 30 * 86_400 },
      { bucket: 'site-bucket', prefix: 'w', distributionId: SITE },
    ];
    const { deps, pending, issued } = setUp({ hardMonthlyCap: 3 }, routes);
    await fillWildcardSlots(SITE);
    await collectBatch(batchAt(clock, ['w1.html', 'w2.html', 'w3.html']), deps);
    clock += 5 * DAY;
    await collectBatch(batchAt(clock, ['old/a.html', 'old/b.html']), deps);
    clock += 5 * DAY;
    await collectBatch(batchAt(clock, ['news/a.html', 'news/b.html']), deps);

    // Act
    clock = Date.parse('2026-12-01T00:01:00Z');
    const outcomes = await drainPending(deps);

    // Assess
    expect(outcomes.get(SITE)).toBe('partly-issued');
    const december = issued(SITE)
      .filter((path) => !path.startsWith('/busy-'))
      .slice(3);
    expect(december).toEqual(['/news/a.html', '/news/b.html']);
    expect((await pending.list(SITE)).flatMap((set) => set.paths)).toEqual(['/old/a.html', '/old/b.html']);
  });
});
