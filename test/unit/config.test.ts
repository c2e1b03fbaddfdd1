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

  describe('watch settings', () => {
    it('reads the check schedules, bounded by WATCH_MAX_WAIT_SECONDS, and the distribution lists', () => {
      // Act
      const config = readConfig({
        WATCH_CHECK_DELAYS: '10, 20,300',
        DEPLOY_CHECK_DELAYS: '60',
        WATCH_MAX_WAIT_SECONDS: '1800',
        WATCHED_DISTRIBUTIONS: 'E2QWRUHAPOMQZL,E3PRODAPI00001',
        PIPELINE_DISTRIBUTIONS: 'E3PRODAPI00001',
      });
      // Assess
      expect(config.watchSchedule).toEqual({ delaysSeconds: [10, 20, 300], maxWaitSeconds: 1800 });
      expect(config.deploySchedule).toEqual({ delaysSeconds: [60], maxWaitSeconds: 1800 });
      expect(config.watchedDistributions).toEqual(['E2QWRUHAPOMQZL', 'E3PRODAPI00001']);
      expect(config.pipelineDistributions).toEqual(['E3PRODAPI00001']);
    });

    it('watches every distribution and serves none without a route by default', () => {
      // Act
      const config = readConfig({});
      // Assess
      expect(config.watchedDistributions).toBe('*');
      expect(config.pipelineDistributions).toEqual([]);
      expect(config.watchSchedule.delaysSeconds[0]).toBe(30);
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
      [{ WATCH_CHECK_DELAYS: '30,0' }, 'WATCH_CHECK_DELAYS: expected delays from 1 to 900 seconds'],
      [{ DEPLOY_CHECK_DELAYS: 'soon' }, 'DEPLOY_CHECK_DELAYS: expected a comma-separated list'],
      [
        { PIPELINE_DISTRIBUTIONS: 'E3PRODAPI00001,alb' },
        'PIPELINE_DISTRIBUTIONS: expected comma-separated distribution ids',
      ],
    ])('names the variable for %o', (env, message) => {
      // Act + Assess
      expect(() => readConfig(env)).toThrow(message);
    });
  });
});
