import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, median, percentile } from '../../shared/domain/report/statistics.ts';

describe('median', () => {
  describe('an odd count', () => {
    it('is the middle value', () => {
      // Prepare
      const values = [90, 10, 30];
      // Act
      const result = median(values);
      // Assess
      expect(result).toBe(30);
    });
  });

  describe('an even count', () => {
    it('is the rounded mean of the two middle values', () => {
      // Prepare
      const values = [40, 10, 25, 30];
      // Act
      const result = median(values);
      // Assess
      expect(result).toBe(28);
    });
  });

  describe('no values', () => {
    it('is null', () => {
      // Prepare
      const values: number[] = [];
      // Act
      const result = median(values);
      // Assess
      expect(result).toBeNull();
    });
  });
});

describe('percentile', () => {
  describe('p95 of 20 values', () => {
    it('is the 19th smallest (nearest rank)', () => {
      // Prepare
      const values = Array.from({ length: 20 }, (_, i) => (20 - i) * 1000);
      // Act
      const result = percentile(values, 95);
      // Assess
      expect(result).toBe(19_000);
    });
  });

  describe('one value', () => {
    it('is that value', () => {
      // Prepare
      const values = [42];
      // Act
      const result = percentile(values, 95);
      // Assess
      expect(result).toBe(42);
    });
  });
});

describe('allocate', () => {
  describe('an amount that does not divide evenly', () => {
    it('gives the leftover units to the largest remainders, ties to the first', () => {
      // Prepare
      const weights = [1, 1, 1];
      // Act
      const parts = allocate(100, weights);
      // Assess
      expect(parts).toEqual([34, 33, 33]);
    });
  });

  describe('all-zero weights', () => {
    it('splits evenly', () => {
      // Prepare
      const weights = [0, 0];
      // Act
      const parts = allocate(3, weights);
      // Assess
      expect(parts).toEqual([2, 1]);
    });
  });

  describe('any amount and weights', () => {
    it('returns integers that add up to the amount, each within one unit of its exact share', () => {
      fc.assert(
        fc.property(
          fc.nat(10_000_000),
          fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 20 }),
          (amount, weights) => {
            // Act
            const parts = allocate(amount, weights);
            // Assess
            const sum = weights.reduce((a, b) => a + b, 0);
            expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
            parts.forEach((part, index) => {
              expect(Number.isInteger(part)).toBe(true);
              const exact = sum === 0 ? amount / weights.length : (amount * (weights[index] as number)) / sum;
              expect(Math.abs(part - exact)).toBeLessThan(1);
            });
          },
        ),
      );
    });
  });
});
