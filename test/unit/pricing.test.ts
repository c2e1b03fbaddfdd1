import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCountError } from '../../shared/domain/errors.ts';
import {
  billablePaths,
  costOfPaths,
  FREE_PATHS_PER_MONTH,
  formatUsd,
  monthCostUsd,
  PRICE_PER_PATH_USD,
  s3RequestsCostUsd,
} from '../../shared/domain/pricing.ts';

describe('costOfPaths', () => {
  describe('within the free tier', () => {
    it('charges nothing for the first 1,000 paths of the month', () => {
      // Prepare
      const before = 0;
      // Act
      const cost = costOfPaths(before, FREE_PATHS_PER_MONTH);
      // Assess
      expect(cost).toBe(0);
    });
  });

  describe('across the free tier boundary', () => {
    it('charges only the paths beyond the 1,000th', () => {
      // Prepare
      const before = 999;
      // Act
      const cost = costOfPaths(before, 3);
      // Assess
      expect(billablePaths(before, 3)).toBe(2);
      expect(cost).toBe(0.01);
    });
  });

  describe('past the free tier', () => {
    it('charges $0.005 for every path', () => {
      // Prepare
      const before = 5000;
      // Act
      const cost = costOfPaths(before, 3);
      // Assess
      expect(cost).toBe(0.015);
      expect(PRICE_PER_PATH_USD).toBe(0.005);
    });

    it('adds up without float drift', () => {
      // Prepare: 0.1 + 0.2-style sums drift in binary floating point
      const steps = Array.from({ length: 1000 }, (_, i) => i);
      // Act
      let mills = 0;
      for (const i of steps) mills += Math.round(costOfPaths(FREE_PATHS_PER_MONTH + i * 7, 7) * 1000);
      // Assess
      expect(mills / 1000).toBe(monthCostUsd(FREE_PATHS_PER_MONTH + 7000));
      expect(monthCostUsd(FREE_PATHS_PER_MONTH + 7000)).toBe(35);
    });

    it('splits a month into any two parts at the same total', () => {
      fc.assert(
        fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (a, b) => {
          const split = Math.round(costOfPaths(0, a) * 1000) + Math.round(costOfPaths(a, b) * 1000);
          expect(split).toBe(Math.round(monthCostUsd(a + b) * 1000));
        }),
      );
    });
  });

  describe('with bad counts', () => {
    it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects %s paths with a clear error', (bad) => {
      // Act
      const act = () => costOfPaths(0, bad);
      // Assess
      expect(act).toThrow(InvalidCountError);
      expect(act).toThrow(/newPaths: expected a non-negative integer, got/);
    });
  });
});

describe('monthCostUsd', () => {
  describe('for a whole month', () => {
    it('bills a 5,000-file deploy at one path per file as $20', () => {
      // Act
      const cost = monthCostUsd(5000);
      // Assess
      expect(cost).toBe(20);
    });

    it('bills nothing for a month inside the free tier', () => {
      // Act
      const cost = monthCostUsd(0);
      // Assess
      expect(cost).toBe(0);
    });
  });
});

describe('formatUsd', () => {
  describe('for amounts people read', () => {
    it('shows cents with two decimals and half cents with three', () => {
      // Act
      const shown = [formatUsd(20), formatUsd(0.015), formatUsd(1234.5), formatUsd(0)];
      // Assess
      expect(shown).toEqual(['$20.00', '$0.015', '$1,234.50', '$0.00']);
    });
  });
});

describe('s3RequestsCostUsd', () => {
  describe('for the requests behind the listings', () => {
    it('prices LIST requests at $0.005 and GET-tier requests at $0.0004 per 1,000, with no float noise', () => {
      // Act
      const costs = [s3RequestsCostUsd(1234, 5), s3RequestsCostUsd(1), s3RequestsCostUsd(0, 1), s3RequestsCostUsd(0)];
      // Assess
      expect(costs).toEqual([0.006172, 0.000005, 0.0000004, 0]);
      expect(String(costs[0])).toBe('0.006172');
    });

    it('rejects a count that is not a non-negative integer, naming it', () => {
      // Act / Assess
      expect(() => s3RequestsCostUsd(1, -1)).toThrow(InvalidCountError);
      expect(() => s3RequestsCostUsd(0.5)).toThrow('listRequests: expected a non-negative integer');
    });
  });
});
