import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAX_VISIBILITY_SECONDS } from '../../shared/domain/backoff.ts';

const POLICY = { baseSeconds: 30, maxSeconds: 900 };

describe('backoffSeconds', () => {
  it('grows with the receive count until the maximum', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 6, 10].map((count) => backoffSeconds(count, POLICY, 0.999));

    // Assess
    expect(delays).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('stays within [ceiling / 2, ceiling] and inside SQS limits for any input', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, random) => {
        // Act
        const seconds = backoffSeconds(count, { baseSeconds: 1, maxSeconds: 1_000_000 }, random);

        // Assess
        const ceiling = Math.min(MAX_VISIBILITY_SECONDS, 2 ** (Math.max(1, count) - 1));
        expect(seconds).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ceiling / 2)));
        expect(seconds).toBeLessThanOrEqual(Math.max(1, Math.ceil(ceiling)));
        expect(seconds).toBeLessThanOrEqual(MAX_VISIBILITY_SECONDS);
      }),
    );
  });
});
