import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanBudgetError } from '../../shared/domain/errors.ts';
import { MAX_PATH_LENGTH } from '../../shared/domain/paths.ts';
import type { Plan, PlanInput } from '../../shared/domain/planner/index.ts';
import { planInvalidationWith } from '../../shared/domain/planner/plan-invalidation.ts';
import { DEFAULT_TUNING, type SearchTuning } from '../../shared/domain/planner/plan-search.ts';
import { type DeployCase, deployArbitrary, planInputOf, wideDeployArbitrary } from '../helpers/planner-arbitraries.ts';
import { bruteForcePlan } from '../helpers/planner-brute-force.ts';
import { objectiveOf, recountCollateral, uncoveredPaths } from '../helpers/planner-factories.ts';

/** Every shortcut and bound switched on everywhere, so small inputs exercise them too. */
const EAGER_BOUNDS: SearchTuning = {
  largeNode: 1,
  largeFrontier: 0,
  largeWork: 0,
  freeWildcardShortcut: true,
  gridPairs: 0,
  guessLimits: true,
};
/** No shortcut: every budget goes through the tree DP. */
const PLAIN_DP: SearchTuning = {
  largeNode: Number.POSITIVE_INFINITY,
  largeFrontier: Number.POSITIVE_INFINITY,
  largeWork: Number.POSITIVE_INFINITY,
  freeWildcardShortcut: false,
  gridPairs: Number.POSITIVE_INFINITY,
  guessLimits: false,
};

/** The plan, or `undefined` when the planner says no plan fits. */
function tryPlan(input: PlanInput, tuning: SearchTuning = DEFAULT_TUNING): Plan | undefined {
  try {
    return planInvalidationWith(input, tuning);
  } catch (error) {
    if (error instanceof PlanBudgetError) return undefined;
    throw error;
  }
}

function expectValidPlan(plan: Plan, deploy: DeployCase): void {
  const distinct = new Set(deploy.changed);
  expect(uncoveredPaths(plan, deploy.changed)).toEqual([]);
  expect(plan.paths.length).toBeLessThanOrEqual(deploy.maxPaths);
  expect(plan.wildcardPaths).toBeLessThanOrEqual(deploy.maxWildcards);
  expect(plan.changed).toBe(distinct.size);
  expect(plan.free).toBe(new Set(deploy.free.filter((path) => !distinct.has(path))).size);
  for (const planned of plan.paths) {
    expect(planned.path.length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
    if (planned.wildcard) {
      expect(planned.path.indexOf('*')).toBe(planned.path.length - 1);
      expect(() => decodeURIComponent(planned.path.slice(0, -1))).not.toThrow();
    } else {
      expect(distinct.has(planned.path) && !planned.path.includes('*')).toBe(true);
      expect(planned.covers).toBe(1);
    }
  }
  expect(pathsSorted(plan)).toBe(true);
}

function pathsSorted(plan: Plan): boolean {
  return plan.paths.every((path, i) => i === 0 || (plan.paths[i - 1] as { path: string }).path < path.path);
}

describe('planInvalidation', () => {
  describe('any deploy', () => {
    it('covers every changed path within both budgets, with an inventory or without', () => {
      fc.assert(
        fc.property(deployArbitrary(), fc.boolean(), (deploy, withInventory) => {
          const plan = tryPlan(planInputOf(deploy, withInventory));
          if (plan !== undefined) expectValidPlan(plan, deploy);
        }),
        { numRuns: 1500 },
      );
    });

    it('explains itself: per-path collateral adds up and matches a recount', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const plan = tryPlan(planInputOf(deploy, true));
          if (plan === undefined) return;
          const perPath = plan.paths.reduce((sum, path) => sum + (path.collateral as number), 0);
          expect(plan.collateral).toBe(perPath);
          expect(plan.collateral).toBe(recountCollateral(plan, deploy.changed, deploy.served, deploy.free));
          expect(plan.paths.reduce((sum, path) => sum + path.covers, 0)).toBe(plan.changed);
        }),
        { numRuns: 1000 },
      );
    });

    it('is deterministic: shuffled, duplicated input gives the same plan', () => {
      fc.assert(
        fc.property(deployArbitrary(), fc.boolean(), fc.nat(), (deploy, withInventory, seed) => {
          const shuffled = [...deploy.changed, ...deploy.changed.slice(0, 2)]
            .map((path, i) => ({ path, key: (seed * 31 + i * 7919) % 1009 }))
            .sort((a, b) => a.key - b.key)
            .map((entry) => entry.path);
          const first = tryPlan(planInputOf(deploy, withInventory));
          const free = [...deploy.free].reverse();
          const second = tryPlan(planInputOf({ ...deploy, changed: shuffled, free }, withInventory));
          expect(second).toEqual(first);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('with an inventory', () => {
    it('matches a brute force over every prefix: least collateral, then fewest paths and wildcards', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const best = bruteForcePlan(deploy.changed, deploy.served, deploy.maxPaths, deploy.maxWildcards, deploy.free);
          const plan = tryPlan(planInputOf(deploy, true));
          expect(plan === undefined ? undefined : objectiveOf(plan)).toEqual(best);
        }),
        { numRuns: 3000 },
      );
    });

    it('finds the same optimum with every bound applied at every node, and with none', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const best = bruteForcePlan(deploy.changed, deploy.served, deploy.maxPaths, deploy.maxWildcards, deploy.free);
          for (const tuning of [EAGER_BOUNDS, PLAIN_DP]) {
            const plan = tryPlan(planInputOf(deploy, true), tuning);
            expect(plan === undefined ? undefined : objectiveOf(plan)).toEqual(best);
          }
        }),
        { numRuns: 1500 },
      );
    });

    it('finds the very same plan with or without guessed cost limits and the save grid, whenever bounds start', () => {
      fc.assert(
        fc.property(fc.oneof(deployArbitrary({ maxServed: 24, maxChanged: 16 }), wideDeployArbitrary()), (deploy) => {
          const plain = tryPlan(planInputOf(deploy, true), { ...EAGER_BOUNDS, guessLimits: false });
          const sorted = tryPlan(planInputOf(deploy, true), { ...EAGER_BOUNDS, gridPairs: Number.POSITIVE_INFINITY });
          // Bounds that start midway reuse the subtrees the pass without them finished.
          const midway = tryPlan(planInputOf(deploy, true), { ...EAGER_BOUNDS, largeFrontier: 2, largeWork: 40 });
          const plan = tryPlan(planInputOf(deploy, true), EAGER_BOUNDS);
          expect(plan).toEqual(plain);
          expect(plan).toEqual(sorted);
          expect(plan).toEqual(midway);
        }),
        { numRuns: 1000 },
      );
    });

    it('never does worse when a must path turns out new (free)', () => {
      fc.assert(
        fc.property(deployArbitrary(), fc.nat(), (deploy, pick) => {
          fc.pre(deploy.changed.length > 0);
          const moved = deploy.changed[pick % deploy.changed.length] as string;
          const before = tryPlan(planInputOf(deploy, true));
          const changed = deploy.changed.filter((path) => path !== moved);
          const after = tryPlan(planInputOf({ ...deploy, changed, free: [...deploy.free, moved] }, true));
          if (before === undefined) return;
          expect(after).toBeDefined();
          const [was, now] = [objectiveOf(before), objectiveOf(after as Plan)];
          expect(now.collateral).toBeLessThanOrEqual(was.collateral as number);
          if (now.collateral === was.collateral) expect(now.paths).toBeLessThanOrEqual(was.paths);
        }),
        { numRuns: 1000 },
      );
    });

    it('matches the brute force on wider folders, where inner nodes are large', () => {
      fc.assert(
        fc.property(wideDeployArbitrary(), (deploy) => {
          const best = bruteForcePlan(deploy.changed, deploy.served, deploy.maxPaths, deploy.maxWildcards, deploy.free);
          for (const tuning of [DEFAULT_TUNING, EAGER_BOUNDS]) {
            const plan = tryPlan(planInputOf(deploy, true), tuning);
            expect(plan === undefined ? undefined : objectiveOf(plan)).toEqual(best);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('without an inventory', () => {
    it('keeps every path exact whenever they fit and none holds *', () => {
      fc.assert(
        fc.property(deployArbitrary(), (deploy) => {
          const distinct = [...new Set(deploy.changed)];
          fc.pre(distinct.length <= deploy.maxPaths && distinct.every((path) => !path.includes('*')));
          const plan = tryPlan(planInputOf({ ...deploy, maxWildcards: 0 }, false));
          expect(plan?.exactPaths).toBe(distinct.length);
        }),
        { numRuns: 500 },
      );
    });
  });
});
