import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRAIN_INTERVAL_SECONDS, SMALL_SET_PATHS, shouldHoldPending } from '../../shared/domain/pending-policy.ts';

const DAY_20 = Date.parse('2026-11-20T00:00:00Z');
const TIGHT = { pathsUsedThisMonth: 900, monthlyPathBudget: 1000, maxStalenessSeconds: 900, changedPaths: 3 };

describe('shouldHoldPending', () => {
  it('holds a small set while the budget is tight and the oldest change can still wait', () => {
    expect(shouldHoldPending({ ...TIGHT, nowMs: DAY_20, oldestFirstSeenAt: DAY_20 - 60_000 })).toBe(true);
  });

  it.each([
    ['the oldest change is due', { oldestFirstSeenAt: DAY_20 - (900 - DRAIN_INTERVAL_SECONDS) * 1000 }],
    ['the set is a deploy', { oldestFirstSeenAt: DAY_20, changedPaths: SMALL_SET_PATHS + 1 }],
    ['the month spends behind its pace', { oldestFirstSeenAt: DAY_20, pathsUsedThisMonth: 600 }],
    [
      'less than half the budget is spent',
      {
        oldestFirstSeenAt: Date.parse('2026-11-02T00:00:00Z'),
        pathsUsedThisMonth: 400,
        nowMs: Date.parse('2026-11-02T00:00:00Z'),
      },
    ],
  ])('issues now when %s', (_case, overrides) => {
    expect(shouldHoldPending({ ...TIGHT, nowMs: DAY_20, ...overrides })).toBe(false);
  });

  it('never holds a change past its staleness SLO minus one drain interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 7200 }),
        fc.nat(2000),
        fc.nat(100),
        (ageSeconds, maxStalenessSeconds, used, changedPaths) => {
          const hold = shouldHoldPending({
            nowMs: DAY_20,
            oldestFirstSeenAt: DAY_20 - ageSeconds * 1000,
            maxStalenessSeconds,
            pathsUsedThisMonth: used,
            monthlyPathBudget: 1000,
            changedPaths,
          });
          if (hold) expect(ageSeconds + DRAIN_INTERVAL_SECONDS).toBeLessThan(maxStalenessSeconds);
        },
      ),
    );
  });
});
