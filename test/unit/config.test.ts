import { describe, expect, it } from 'vitest';
import { readConfig } from '../../shared/config.ts';

describe('readConfig', () => {
  describe('an empty environment', () => {
    it('fills every default', () => {
      // Act
      const config = readConfig({});

      // Assess
      expect(config).toMatchObject({
        monthlyPathBudget: 1000,
        maxPathsPerInvalidation: 500,
        hardMonthlyCap: undefined,
        wildcardSafetyMargin: 2,
        notify: 'all',
        routes: [],
        s3ForcePathStyle: false,
      });
      expect(Object.isFrozen(config)).toBe(true);
    });
  });

  describe('bad values', () => {
    it.each([
      [{ MONTHLY_PATH_BUDGET: 'lots' }, 'MONTHLY_PATH_BUDGET: expected a whole number from 0 to'],
      [
        { MAX_PATHS_PER_INVALIDATION: '3001' },
        'MAX_PATHS_PER_INVALIDATION: expected a whole number from 1 to 3000, got "3001"',
      ],
      [{ HARD_MONTHLY_CAP: '0' }, 'HARD_MONTHLY_CAP: expected a whole number from 1'],
      [{ NOTIFY: 'sometimes' }, 'NOTIFY: expected one of all, failures, off, got "sometimes"'],
      [{ ROUTES: '{not json' }, 'ROUTES: expected a JSON array of routes'],
    ])('names the variable for %o', (env, message) => {
      // Act + Assess
      expect(() => readConfig(env)).toThrow(message);
    });
  });
});
