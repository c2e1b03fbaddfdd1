import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  drainOrder,
  holdDeadlineOf,
  isOverdue,
  mostUrgent,
  pickDrainable,
  stalenessOfRoutes,
  type WaitingChanges,
} from '../../shared/domain/drain-order.ts';
import { DRAIN_INTERVAL_SECONDS } from '../../shared/domain/pending-policy.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';

const NOW = Date.parse('2026-12-01T00:01:00Z');
const MINUTE = 60_000;

function set(name: string, minutesAgo: number, maxStalenessSeconds: number, paths = [`/${name}`]): WaitingChanges {
  return { paths, firstSeenAt: NOW - minutesAgo * MINUTE, maxStalenessSeconds };
}

const waitingArbitrary = fc.record({
  paths: fc.uniqueArray(fc.constantFrom('/a', '/b', '/c', '/d', '/e', '/f'), { minLength: 1, maxLength: 4 }),
  firstSeenAt: fc.integer({ min: NOW - 40 * 86_400_000, max: NOW }),
  maxStalenessSeconds: fc.integer({ min: 0, max: 31 * 86_400 }),
});

describe('drainOrder', () => {
  it('takes changes past their staleness first, then the oldest', () => {
    // Prepare: an old change of a route that allows a day, a newer one past its minute.
    const old = set('old', 600, 86_400);
    const overdue = set('news', 10, 60);
    const newer = set('newer', 5, 86_400);
    // Act
    const order = drainOrder([newer, old, overdue], NOW);
    // Assess
    expect(order).toEqual([overdue, old, newer]);
  });

  it('puts every overdue change before every other, and the others oldest first, for any input', () => {
    fc.assert(
      fc.property(fc.array(waitingArbitrary, { maxLength: 12 }), (changes) => {
        // Act
        const order = drainOrder(changes, NOW);
        // Assess
        expect(order).toHaveLength(changes.length);
        expect(new Set(order)).toEqual(new Set(changes));
        const firstWaiting = order.findIndex((item) => !isOverdue(item, NOW));
        if (firstWaiting === -1) return;
        expect(order.slice(firstWaiting).every((item) => !isOverdue(item, NOW))).toBe(true);
        const waiting = order.slice(firstWaiting).map((item) => item.firstSeenAt);
        expect(waiting).toEqual([...waiting].sort((a, b) => a - b));
      }),
    );
  });
});

describe('mostUrgent', () => {
  it('is the change whose own staleness ends first, not the oldest one', () => {
    // Act
    const urgent = mostUrgent([set('old', 30, 3600), set('news', 1, 60)]);
    // Assess
    expect(urgent.paths).toEqual(['/news']);
    expect(holdDeadlineOf(urgent)).toBe(NOW - MINUTE + Math.max(0, 60 - DRAIN_INTERVAL_SECONDS) * 1000);
  });
});

describe('pickDrainable', () => {
  it('skips a set that cannot fit and still takes the ones behind it', () => {
    // Prepare: at most 3 paths.
    const big = set('big', 60, 0, ['/b1', '/b2', '/b3', '/b4']);
    const old = set('old', 30, 0, ['/o1', '/o2']);
    const mid = set('mid', 20, 0, ['/m1', '/m2']);
    const small = set('small', 10, 0, ['/s1']);
    // Act
    const taken = pickDrainable([small, mid, old, big], NOW, (paths) => paths.length <= 3);
    // Assess
    expect(taken).toEqual([old, small]);
  });

  it('takes what fits in drain order, and never a set that would not fit with the ones taken before it', () => {
    fc.assert(
      fc.property(fc.array(waitingArbitrary, { maxLength: 10 }), fc.integer({ min: 0, max: 6 }), (changes, room) => {
        // Prepare
        const fits = (paths: readonly string[]) => paths.length <= room;
        // Act
        const taken = pickDrainable(changes, NOW, fits);
        // Assess: the taken sets fit together; each skipped set would not have fitted with those before it.
        const union = new Set(taken.flatMap((item) => item.paths));
        expect(union.size).toBeLessThanOrEqual(room);
        const order = drainOrder(changes, NOW);
        expect(taken).toEqual(order.filter((item) => taken.includes(item)));
        const before = new Set<string>();
        for (const item of order) {
          if (taken.includes(item)) for (const path of item.paths) before.add(path);
          else expect(new Set([...before, ...item.paths]).size).toBeGreaterThan(room);
        }
      }),
    );
  });
});

describe('stalenessOfRoutes', () => {
  const table = compileRoutes([
    { bucket: 'site', distributionId: 'E2QWRUHAPOMQZL', maxStalenessSeconds: 3600 },
    { bucket: 'site', prefix: 'news/', distributionId: 'E2QWRUHAPOMQZL', maxStalenessSeconds: 60 },
    { bucket: 'site', prefix: 'docs/', distributionId: 'E2QWRUHAPOMQZL' },
  ]);

  it.each([
    [[0], 3600],
    [[0, 1], 60],
    [[2], 900],
    [[0, 2], 900],
    [[], 900],
  ])('routes %j with a stage SLO of 900 s: %i s', (indexes, expected) => {
    // Act
    const seconds = stalenessOfRoutes(table, indexes, 900);
    // Assess
    expect(seconds).toBe(expected);
  });
});
