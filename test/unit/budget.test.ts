import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUDGET_REASON,
  type BudgetInput,
  computeBatchBudget,
  IN_FLIGHT_EXACT_LIMIT,
  IN_FLIGHT_WILDCARD_LIMIT,
  MAX_PATHS_PER_REQUEST,
} from '../../shared/domain/budget.ts';
import { InvalidCountError, MonthKeyError } from '../../shared/domain/errors.ts';
import { dayOfMonth, monthBounds, monthBoundsOf, monthKeyOf, parseMonthKey } from '../../shared/domain/month.ts';

const DAY = 24 * 60 * 60 * 1000;
const MARCH_START = Date.UTC(2025, 2, 1);

function budgetInput(overrides: Partial<BudgetInput> = {}): BudgetInput {
  return {
    monthlyPathBudget: 1000,
    pathsUsedThisMonth: 0,
    batchesThisMonth: 0,
    nowMs: MARCH_START + 15 * DAY,
    maxPathsPerInvalidation: 3000,
    exactInFlight: 0,
    wildcardsInFlight: 0,
    wildcardSafetyMargin: 0,
    ...overrides,
  };
}

describe('computeBatchBudget', () => {
  describe('pacing mid-month', () => {
    it('spreads the remaining budget over the batches expected for the rest of the month', () => {
      // Prepare: 99 batches in the first 15.5 days of March, 100 with this one: about 100 more to come
      const input = budgetInput({ pathsUsedThisMonth: 500, batchesThisMonth: 99, nowMs: MARCH_START + 15.5 * DAY });
      // Act
      const budget = computeBatchBudget(input);
      // Assess
      expect(budget.expectedBatches).toBeCloseTo(100, 5);
      expect(budget).toMatchObject({ maxPaths: 5, defer: false, overBudget: false, reason: BUDGET_REASON.paced });
    });

    it('does not hand the whole budget to the first batch of the month', () => {
      // Prepare: one hour into March, nothing reserved yet
      const input = budgetInput({ nowMs: MARCH_START + DAY / 24 });
      // Act
      const budget = computeBatchBudget(input);
      // Assess: rate measured over at least a day: about 31 batches expected
      expect(budget.maxPaths).toBe(32);
    });

    it('spends what is left on the last batch of the month', () => {
      // Prepare
      const input = budgetInput({ pathsUsedThisMonth: 900, batchesThisMonth: 5000, nowMs: Date.UTC(2025, 3, 1) - 1 });
      // Act
      const budget = computeBatchBudget(input);
      // Assess
      expect(budget.maxPaths).toBe(100);
    });

    it('never goes below one path per batch', () => {
      // Prepare: 2 paths left, thousands of batches to come
      const input = budgetInput({ pathsUsedThisMonth: 998, batchesThisMonth: 100_000 });
      // Act
      const budget = computeBatchBudget(input);
      // Assess
      expect(budget).toMatchObject({ maxPaths: 1, overBudget: false });
    });

    it('spends close to, and never more than, the budget at a steady rate', () => {
      // Prepare: one batch an hour through April (720 batches), each using its whole k
      let used = 0;
      // Act
      for (let batch = 0; batch < 720; batch++) {
        const nowMs = Date.UTC(2025, 3, 1) + batch * (DAY / 24) + 1;
        used += computeBatchBudget(budgetInput({ pathsUsedThisMonth: used, batchesThisMonth: batch, nowMs })).maxPaths;
      }
      // Assess
      expect(used).toBeLessThanOrEqual(1000);
      expect(used).toBeGreaterThanOrEqual(950);
    });
  });

  describe('limits', () => {
    it('caps k at maxPathsPerInvalidation', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ maxPathsPerInvalidation: 20, nowMs: Date.UTC(2025, 3, 1) - 1 }));
      // Assess
      expect(budget).toMatchObject({ maxPaths: 20, reason: BUDGET_REASON.maxPerInvalidation });
    });

    it('caps k at the 3,000 paths one request carries', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ monthlyPathBudget: 1_000_000, maxPathsPerInvalidation: 10_000 }));
      // Assess
      expect(budget.maxPaths).toBe(MAX_PATHS_PER_REQUEST);
    });

    it('leaves room for exact paths already in flight', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ monthlyPathBudget: 1_000_000, exactInFlight: 2990 }));
      // Assess
      expect(budget).toMatchObject({ maxPaths: 10, reason: BUDGET_REASON.inFlightExact, defer: false });
    });

    it('defers while 3,000 exact paths are in flight', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ exactInFlight: IN_FLIGHT_EXACT_LIMIT }));
      // Assess
      expect(budget).toMatchObject({ maxPaths: 0, maxWildcards: 0, defer: true, reason: BUDGET_REASON.inFlightFull });
    });

    it('gives 15 wildcards minus those in flight minus the safety margin', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ wildcardsInFlight: 4, wildcardSafetyMargin: 2 }));
      // Assess
      expect(budget.maxWildcards).toBe(9);
    });

    it('gives no wildcards when in-flight ones and the margin use them all', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ wildcardsInFlight: 14, wildcardSafetyMargin: 3 }));
      // Assess
      expect(budget.maxWildcards).toBe(0);
    });
  });

  describe('when the monthly budget is spent', () => {
    it('still gives one path per batch and flags the cost', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ pathsUsedThisMonth: 1500 }));
      // Assess
      expect(budget).toMatchObject({ maxPaths: 1, defer: false, overBudget: true, reason: BUDGET_REASON.budgetSpent });
    });

    it('defers at the hard monthly cap instead of paying', () => {
      // Act
      const budget = computeBatchBudget(budgetInput({ pathsUsedThisMonth: 2000, hardMonthlyCap: 2000 }));
      // Assess
      expect(budget).toMatchObject({
        maxPaths: 0,
        defer: true,
        overBudget: true,
        reason: BUDGET_REASON.hardCapReached,
      });
    });

    it('never plans past the hard cap', () => {
      // Prepare: pacing alone would allow 100 paths
      const input = budgetInput({ pathsUsedThisMonth: 900, hardMonthlyCap: 903, nowMs: Date.UTC(2025, 3, 1) - 1 });
      // Act
      const budget = computeBatchBudget(input);
      // Assess
      expect(budget).toMatchObject({ maxPaths: 3, reason: BUDGET_REASON.hardCap });
    });
  });

  describe('invariants', () => {
    const inputs = fc.record({
      monthlyPathBudget: fc.nat(100_000),
      pathsUsedThisMonth: fc.nat(200_000),
      batchesThisMonth: fc.nat(1_000_000),
      nowMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
      maxPathsPerInvalidation: fc.integer({ min: 1, max: 10_000 }),
      hardMonthlyCap: fc.option(fc.nat(200_000), { nil: undefined }),
      exactInFlight: fc.nat(IN_FLIGHT_EXACT_LIMIT),
      wildcardsInFlight: fc.nat(IN_FLIGHT_WILDCARD_LIMIT),
      wildcardSafetyMargin: fc.nat(20),
    });

    it('keeps 1 ≤ k ≤ every limit, and w within [0, 15], unless it defers', () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const budget = computeBatchBudget(input);
          const capReached = input.hardMonthlyCap !== undefined && input.pathsUsedThisMonth >= input.hardMonthlyCap;
          expect(budget.defer).toBe(capReached || input.exactInFlight >= IN_FLIGHT_EXACT_LIMIT);
          if (budget.defer) {
            expect(budget.maxPaths).toBe(0);
            return;
          }
          expect(budget.maxPaths).toBeGreaterThanOrEqual(1);
          expect(budget.maxPaths).toBeLessThanOrEqual(Math.min(input.maxPathsPerInvalidation, MAX_PATHS_PER_REQUEST));
          expect(budget.maxPaths).toBeLessThanOrEqual(IN_FLIGHT_EXACT_LIMIT - input.exactInFlight);
          expect(budget.maxWildcards).toBeGreaterThanOrEqual(0);
          expect(budget.maxWildcards).toBeLessThanOrEqual(IN_FLIGHT_WILDCARD_LIMIT);
        }),
      );
    });

    it('never lets a batch pass the hard cap', () => {
      fc.assert(
        fc.property(inputs, fc.nat(200_000), (input, cap) => {
          const budget = computeBatchBudget({ ...input, hardMonthlyCap: cap });
          expect(input.pathsUsedThisMonth + budget.maxPaths).toBeLessThanOrEqual(
            Math.max(cap, input.pathsUsedThisMonth),
          );
        }),
      );
    });

    it('stays within the remaining budget while any is left', () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const budget = computeBatchBudget(input);
          if (input.monthlyPathBudget > input.pathsUsedThisMonth) {
            expect(budget.maxPaths).toBeLessThanOrEqual(input.monthlyPathBudget - input.pathsUsedThisMonth);
          }
        }),
      );
    });
  });

  describe('with bad input', () => {
    it('names the count that is wrong', () => {
      // Act
      const act = () => computeBatchBudget(budgetInput({ pathsUsedThisMonth: -1 }));
      // Assess
      expect(act).toThrow(InvalidCountError);
      expect(act).toThrow('pathsUsedThisMonth: expected a non-negative integer, got -1');
    });

    it('rejects a zero maxPathsPerInvalidation', () => {
      // Act
      const act = () => computeBatchBudget(budgetInput({ maxPathsPerInvalidation: 0 }));
      // Assess
      expect(act).toThrow('maxPathsPerInvalidation: expected a positive integer, got 0');
    });

    it('rejects a time that is not a number', () => {
      // Act
      const act = () => computeBatchBudget(budgetInput({ nowMs: Number.NaN }));
      // Assess
      expect(act).toThrow('nowMs: expected epoch milliseconds, got NaN');
    });
  });
});

describe('monthKeyOf', () => {
  describe('at month edges', () => {
    it('puts the last millisecond of January in January and the next one in February (UTC)', () => {
      // Prepare
      const lastOfJanuary = Date.UTC(2025, 0, 31, 23, 59, 59, 999);
      // Act
      const keys = [monthKeyOf(lastOfJanuary), monthKeyOf(lastOfJanuary + 1), monthKeyOf(new Date(lastOfJanuary))];
      // Assess
      expect(keys).toEqual(['2025-01', '2025-02', '2025-01']);
    });
  });

  describe('for any instant', () => {
    it('names a month whose bounds contain the instant', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
          const { startMs, endMs } = monthBounds(monthKeyOf(ms));
          expect(startMs).toBeLessThanOrEqual(ms);
          expect(ms).toBeLessThan(endMs);
          expect(monthBoundsOf(ms)).toEqual({ startMs, endMs });
        }),
      );
    });
  });
});

describe('dayOfMonth', () => {
  describe('in UTC', () => {
    it('gives the UTC day, not the local one', () => {
      // Act
      const days = [dayOfMonth(Date.UTC(2024, 1, 29, 23, 30)), dayOfMonth(new Date(Date.UTC(2024, 2, 1)))];
      // Assess
      expect(days).toEqual([29, 1]);
    });
  });
});

describe('monthBounds', () => {
  describe('for February of a leap year', () => {
    it('spans 29 days', () => {
      // Act
      const { startMs, endMs } = monthBounds('2024-02');
      // Assess
      expect(startMs).toBe(Date.UTC(2024, 1, 1));
      expect((endMs - startMs) / DAY).toBe(29);
    });
  });

  describe('for December', () => {
    it('ends at the start of the next year', () => {
      // Act
      const { endMs } = monthBounds('2025-12');
      // Assess
      expect(endMs).toBe(Date.UTC(2026, 0, 1));
    });
  });
});

describe('parseMonthKey', () => {
  describe('with a valid key', () => {
    it('returns it', () => {
      // Act
      const key = parseMonthKey('2025-03');
      // Assess
      expect(key).toBe('2025-03');
    });
  });

  describe('with a malformed key', () => {
    it.each([['2025-13'], ['2025-00'], ['2025-3'], ['2025/03'], ['march'], ['']])(
      'rejects %j with a clear error',
      (text) => {
        // Act
        const act = () => parseMonthKey(text);
        // Assess
        expect(act).toThrow(MonthKeyError);
        expect(act).toThrow(`month: expected YYYY-MM with a month 01..12 (e.g. 2025-03), got ${JSON.stringify(text)}`);
      },
    );
  });
});
