import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanBudgetError } from '../../shared/domain/errors.ts';
import { type Plan, type PlanInput, planInvalidation, savingsOf } from '../../shared/domain/planner/index.ts';
import { deployArbitrary, planInputOf } from '../helpers/planner-arbitraries.ts';
import { bruteForcePlan } from '../helpers/planner-brute-force.ts';
import { inventoryOf, matches, pathsOf } from '../helpers/planner-factories.ts';

/** Paths that cannot be exact (DESIGN 3.1): a `*`, a `'` or an encoded `~`. */
const DOUBTFUL = /[*']|%7E/;

function tryPlan(input: PlanInput): Plan | undefined {
  try {
    return planInvalidation(input);
  } catch (error) {
    if (error instanceof PlanBudgetError) return undefined;
    throw error;
  }
}

describe('savingsOf', () => {
  describe('paths avoided by new keys', () => {
    it('counts the new paths no plan path matches', () => {
      // Prepare: a/1 modified, a/2 and a/3 new, a/4 unchanged (a/* would evict it)
      const input = {
        changed: pathsOf(['a/1.js']),
        free: pathsOf(['a/2.js', 'a/3.js', 'a/3.js']),
        maxPaths: 10,
        maxWildcards: 2,
        inventory: inventoryOf(['a/1.js', 'a/2.js', 'a/3.js', 'a/4.js']),
      };
      // Act
      const savings = savingsOf(planInvalidation(input), { ...input, inventory: true });
      // Assess
      expect(savings).toEqual({ newKeyPathsAvoided: 2, inventoryPathsSaved: 0 });
    });

    it('bounds what the best plan covering every new path too would add, when that fits the budget', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const plan = tryPlan(planInputOf(deploy, true));
          if (plan === undefined) return;
          const { newKeyPathsAvoided: avoided } = savingsOf(plan, { ...deploy, inventory: true });
          const uncovered = [...new Set(deploy.free)].filter(
            (path) => !plan.paths.some((planned) => matches(planned.path, path)),
          );
          expect(avoided).toBe(uncovered.length);
          // Covering them exactly keeps the collateral; only then is the bound a claim.
          fc.pre(plan.paths.length + avoided <= deploy.maxPaths && !uncovered.some((path) => DOUBTFUL.test(path)));
          const allMust = [...deploy.changed, ...deploy.free];
          const best = bruteForcePlan(allMust, deploy.served, deploy.maxPaths, deploy.maxWildcards);
          expect(best?.collateral).toBe(plan.collateral);
          expect(best?.paths).toBeGreaterThanOrEqual(plan.paths.length);
          expect(best?.paths).toBeLessThanOrEqual(plan.paths.length + avoided);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('paths saved by the inventory', () => {
    it('is null without an inventory', () => {
      // Prepare
      const input = { changed: pathsOf(['a/1.js', 'a/2.js']), maxPaths: 5, maxWildcards: 1 };
      // Act
      const savings = savingsOf(planInvalidation(input), { ...input, inventory: false });
      // Assess
      expect(savings).toEqual({ newKeyPathsAvoided: 0, inventoryPathsSaved: null });
    });

    it('equals the paths of the plan without the inventory when the changes fit, and bounds them otherwise', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const plan = tryPlan(planInputOf(deploy, true));
          const blind = tryPlan(planInputOf(deploy, false));
          if (plan === undefined || blind === undefined) return;
          const saved = savingsOf(plan, { ...deploy, inventory: true }).inventoryPathsSaved as number;
          expect(saved).toBeGreaterThanOrEqual(0);
          expect(blind.paths.length).toBeLessThanOrEqual(plan.paths.length + saved);
          const distinct = new Set(deploy.changed);
          if (distinct.size <= deploy.maxPaths && ![...distinct].some((path) => DOUBTFUL.test(path))) {
            expect(saved).toBe(blind.paths.length - plan.paths.length);
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
