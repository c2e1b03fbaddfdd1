import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffSeconds,
  MAX_VISIBILITY_SECONDS,
  RECEIPT_SLACK_SECONDS,
  visibilityCapSeconds,
} from '../../shared/domain/backoff.ts';

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

describe('visibilityCapSeconds', () => {
  const HOUR_MS = 3_600_000;
  const NOW = Date.parse('2026-11-21T12:00:00Z');

  it('leaves what is left of 12 hours since the first receipt', () => {
    // Act
    const cap = visibilityCapSeconds({
      nowMs: NOW,
      invocationStartMs: NOW,
      receiveCount: 1,
      firstReceiveMs: NOW - 11.5 * HOUR_MS,
    });

    // Assess
    expect(cap).toBe(1800);
  });

  it('never lets the total visibility pass 12 hours from the receipt, for any receipt the invocation can have', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 * HOUR_MS }),
        fc.integer({ min: 0, max: RECEIPT_SLACK_SECONDS * 1000 }),
        fc.integer({ min: 0, max: 900_000 }),
        fc.integer({ min: 1, max: 9 }),
        (firstAgo, windowMs, runMs, receiveCount) => {
          // Prepare: this receipt came at most the batching window before the invocation started.
          const invocationStartMs = NOW - runMs;
          const receiptMs = receiveCount === 1 ? NOW - firstAgo : invocationStartMs - windowMs;
          const firstReceiveMs = receiveCount === 1 ? receiptMs : Math.min(receiptMs, NOW - firstAgo);

          // Act
          const cap = visibilityCapSeconds({ nowMs: NOW, invocationStartMs, receiveCount, firstReceiveMs });

          // Assess: SQS's rule, counted from this receipt.
          expect(cap).toBeGreaterThanOrEqual(0);
          expect((NOW - receiptMs) / 1000 + cap).toBeLessThanOrEqual(MAX_VISIBILITY_SECONDS);
        },
      ),
      { numRuns: 500 },
    );
  });
});
