import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { InjectedCrashError } from '../../shared/app/errors.ts';
import type { UnitStep } from '../../shared/app/issue-unit.ts';
import { monthKeyOf } from '../../shared/domain/month.ts';
import { buildCollectorDeps, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildSqsBatch } from '../helpers/events.ts';

const SITE = 'E1SITE0000000A';
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE }];
const NOW = Date.parse('2026-11-21T12:00:00Z');

function counted(items: Record<string, unknown>[]): number {
  return Number(items.find((item) => item.sk === 'TOTAL')?.paths ?? 0);
}

/** Keys in distinct folders, so the planner keeps one exact path per key. */
function keysIn(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${name}-${i}/page.html`);
}

/**
 * The month's counter equals what CloudFront received: concurrent duplicate delivery of the same SQS
 * messages, and retries that cross a UTC month boundary (issue #14), against DynamoDB Local and the
 * CloudFront emulator through the real SDK clients.
 */
describe('counting exactly once', () => {
  let clock = NOW;
  const world = useCollectorWorld(
    {
      distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] }],
      now: () => clock,
    },
    () => {
      clock = NOW;
    },
  );

  /** Paths CloudFront received, per UTC month of their CreateTime. */
  function receivedIn(month: string): number {
    return world.emulator
      .invalidations(SITE)
      .filter((invalidation) => monthKeyOf(invalidation.createTime) === month)
      .reduce((sum, invalidation) => sum + invalidation.paths.length, 0);
  }

  function depsFor(
    options: { checkpoint?: (step: UnitStep) => void | Promise<void>; hardCap?: number; withoutFinder?: boolean } = {},
  ) {
    return buildCollectorDeps({
      dynamo: world.dynamo,
      tableName: world.tableName,
      cloudFront: world.cloudFront,
      routes: ROUTES,
      now: () => clock,
      ...(options.hardCap === undefined ? {} : { policy: { hardMonthlyCap: options.hardCap } }),
      ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
      ...(options.withoutFinder === true ? { withoutFinder: true } : {}),
    });
  }

  const crashAfterReserve = (step: UnitStep) => {
    if (step === 'after-reserve') throw new InjectedCrashError('killed after reserving', { retryable: true });
  };

  const crashAfterCreate = (step: UnitStep) => {
    if (step === 'after-create') throw new InjectedCrashError('killed after creating', { retryable: true });
  };

  async function settle(records: readonly SQSRecord[]): Promise<void> {
    const results = await collectBatch(records, depsFor());
    expect(results.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
  }

  describe('the same messages delivered to two invocations at once', () => {
    it('counts what CloudFront holds when the race loser is refused while the winner issues (regression)', async () => {
      // Prepare: invocation A reserves and pauses; B gets the same messages meanwhile, and CloudFront
      // refuses the next CreateInvalidation definitely (throttled).
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('dup', 3) });
      let resumeWinner = () => {};
      let reachedReserve = () => {};
      const winnerReserved = new Promise<void>((resolve) => {
        reachedReserve = resolve;
      });
      const winnerMayGoOn = new Promise<void>((resolve) => {
        resumeWinner = resolve;
      });
      const winner = collectBatch(
        records,
        depsFor({
          checkpoint: async (step) => {
            if (step !== 'after-reserve') return;
            reachedReserve();
            await winnerMayGoOn;
          },
        }),
      );
      await winnerReserved;
      world.emulator.faults.next('CreateInvalidation', { kind: 'throttle' });

      // Act
      const loser = await collectBatch(records, depsFor());
      world.emulator.faults.clear();
      resumeWinner();
      const won = await winner;
      await settle(records);

      // Assess
      expect(won.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(loser.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(receivedIn('2026-11')).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-11'))).toBe(3);
    });

    it('counts exactly what CloudFront received over many free-running races', async () => {
      // Prepare
      const batches = Array.from({ length: 6 }, (_, i) =>
        buildSqsBatch({ bucket: 'site-bucket', keys: keysIn(`r${i}`, 2) }),
      );

      // Act: each batch reaches two invocations at once, with throttles sprinkled on CloudFront.
      for (const [index, records] of batches.entries()) {
        if (index % 2 === 0) world.emulator.faults.next('CreateInvalidation', { kind: 'throttle' });
        await Promise.all([collectBatch(records, depsFor()), collectBatch(records, depsFor())]);
        world.emulator.faults.clear();
        await settle(records);
      }

      // Assess: every batch issued once, and counted once.
      expect(world.emulator.invalidations(SITE)).toHaveLength(batches.length);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-11'))).toBe(receivedIn('2026-11'));
    });
  });

  describe('a unit reserved in November and retried in December', () => {
    const LAST_NOVEMBER = Date.parse('2026-11-30T23:50:00Z');
    const FIRST_DECEMBER = Date.parse('2026-12-01T00:10:00Z');

    it('is counted in December, the month CloudFront receives it (regression)', async () => {
      // Prepare
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('nov', 3) });
      clock = LAST_NOVEMBER;
      await collectBatch(records, depsFor({ checkpoint: crashAfterReserve }));

      // Act
      clock = FIRST_DECEMBER;
      await settle(records);

      // Assess
      expect(receivedIn('2026-12')).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-12'))).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-11'))).toBe(0);
    });

    it('is counted in November when CloudFront created it there and the recording died (regression)', async () => {
      // Prepare: CloudFront creates it on 30 November; the invocation dies before marking it issued.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('nov-created', 3) });
      clock = LAST_NOVEMBER;
      await collectBatch(records, depsFor({ checkpoint: crashAfterCreate }));

      // Act: SQS brings the messages back after midnight; without a look-up first, the retry moves the
      // reservation to December and CloudFront answers its CallerReference with November's invalidation.
      clock = FIRST_DECEMBER;
      const results = await collectBatch(records, depsFor({ withoutFinder: true }));

      // Assess: billed by AWS in November, counted there, once.
      expect(results.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
      expect(world.emulator.invalidations(SITE)).toHaveLength(1);
      expect(receivedIn('2026-11')).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-11'))).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-12'))).toBe(0);
    });

    it("stays in November when CloudFront holds it from there, with December's cap full (regression)", async () => {
      // Prepare: created on 30 November, the recording died; December's cap of 3 is then used up.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('held', 3) });
      clock = LAST_NOVEMBER;
      await collectBatch(records, depsFor({ checkpoint: crashAfterCreate, hardCap: 3 }));
      clock = FIRST_DECEMBER;
      await settle(buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('dec-full', 3) }));

      // Act
      const results = await collectBatch(records, depsFor({ hardCap: 3 }));

      // Assess: found in CloudFront before any move, so it never waits for December's cap or leaves
      // November's slot free for others while CloudFront holds its paths there.
      expect(results.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
      expect(world.emulator.invalidations(SITE)).toHaveLength(2);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-11'))).toBe(receivedIn('2026-11'));
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-12'))).toBe(receivedIn('2026-12'));
      expect(receivedIn('2026-11')).toBe(3);
    });

    it("waits instead of passing December's hard cap (regression)", async () => {
      // Prepare: 3 paths reserved in November; in December other changes take part of the cap of 3.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('late', 3) });
      clock = LAST_NOVEMBER;
      await collectBatch(records, depsFor({ checkpoint: crashAfterReserve, hardCap: 3 }));
      clock = FIRST_DECEMBER;
      const december = buildSqsBatch({ bucket: 'site-bucket', keys: keysIn('dec', 1) });
      await collectBatch(december, depsFor({ hardCap: 3 }));

      // Act
      const results = await collectBatch(records, depsFor({ hardCap: 3 }));

      // Assess
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(receivedIn('2026-12')).toBeLessThanOrEqual(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2026-12'))).toBe(receivedIn('2026-12'));
    });
  });
});
