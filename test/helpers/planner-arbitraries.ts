/**
 * fast-check arbitraries for planner properties: tiny alphabets so keys share prefixes, nest
 * (`a` and `a/b`), hold `*`, spaces and non-ASCII (so paths carry `%XX` escapes), and deploys that
 * mix served, changed and deleted keys.
 */
import fc from 'fast-check';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import { createSortedInventory, type PlanInput } from '../../shared/domain/planner/index.ts';

/**
 * A deploy in path space: what is served afterwards, what changed and must be covered (some changed
 * paths deleted), and what is new (free: served, no cover needed; a few may also be changed).
 */
export interface DeployCase {
  served: string[];
  changed: string[];
  free: string[];
  maxPaths: number;
  maxWildcards: number;
}

/** Short keys over a tiny alphabet with `/`, `*`, a space and a non-ASCII letter. */
export function keyArbitrary(maxLength = 4): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom('a', 'b', 'c', '/', '*', ' ', 'é'), { minLength: 1, maxLength })
    .map((chars) => chars.join(''));
}

/**
 * A deploy small enough for the brute force: at most `maxServed` served keys, some of them changed,
 * plus changed keys that were deleted (not served).
 */
export function deployArbitrary(options: { maxServed?: number; maxChanged?: number; maxWildcards?: number } = {}) {
  const { maxServed = 12, maxChanged = 8, maxWildcards = 3 } = options;
  return fc
    .record({
      served: fc.uniqueArray(keyArbitrary(), { maxLength: maxServed }),
      picks: fc.array(fc.nat(), { maxLength: maxChanged }),
      freePicks: fc.array(fc.nat(), { maxLength: 4 }),
      deleted: fc.array(keyArbitrary(), { maxLength: 3 }),
      maxPaths: fc.nat(maxChanged + 2),
      maxWildcards: fc.nat(maxWildcards),
    })
    .map(({ served, picks, freePicks, deleted, maxPaths, maxWildcards: w }): DeployCase => {
      const servedPaths = [...new Set(served.map(toCloudFrontPath))];
      const pick = (picks: number[]): string[] =>
        servedPaths.length === 0 ? [] : picks.map((at) => servedPaths[at % servedPaths.length] as string);
      return {
        served: servedPaths,
        changed: [...pick(picks), ...deleted.map(toCloudFrontPath)],
        free: pick(freePicks),
        maxPaths,
        maxWildcards: w,
      };
    });
}

/**
 * A wider deploy: up to 30 changed paths in two-level folders, so inner nodes are large enough for
 * the branch-and-bound machinery, with at most 2 wildcards (the brute force stays quick).
 */
export function wideDeployArbitrary(): fc.Arbitrary<DeployCase> {
  const key = fc
    .tuple(
      fc.constantFrom('a', 'b', 'c'),
      fc.constantFrom('x', 'y', 'z', 'xy'),
      fc.constantFrom('1', '2', '3', '4', '12'),
    )
    .map(([dir, sub, file]) => `${dir}/${sub}${file}`);
  return fc
    .record({
      served: fc.uniqueArray(key, { minLength: 20, maxLength: 45 }),
      changedShare: fc.double({ min: 0.4, max: 0.95, noNaN: true }),
      newShare: fc.constantFrom(0, 0.3, 0.6),
      seed: fc.nat(),
      maxPaths: fc.integer({ min: 1, max: 12 }),
      maxWildcards: fc.integer({ min: 1, max: 2 }),
    })
    .map(({ served, changedShare, newShare, seed, maxPaths, maxWildcards }): DeployCase => {
      const paths = served.map(toCloudFrontPath);
      // A deterministic, seed-driven pick: changed paths cluster in some folders, scatter in others;
      // of those, a share are new (free).
      const share = (path: string, i: number): number => ((seed + i * 7919 + path.length * 31) % 1000) / 1000;
      const all = paths.filter((path, i) => share(path, i) < changedShare).slice(0, 30);
      const isNew = (i: number): boolean => ((seed >> 3) + i * 104729) % 1000 < newShare * 1000;
      const changed = all.filter((_, i) => !isNew(i));
      const free = all.filter((_, i) => isNew(i));
      return { served: paths, changed, free, maxPaths, maxWildcards };
    })
    .filter(
      (deploy) => deploy.changed.length > 0 && deploy.served.length - deploy.changed.length - deploy.free.length <= 31,
    );
}

/** The planner input of a deploy case, with its served paths as the inventory or without one. */
export function planInputOf(deploy: DeployCase, withInventory: boolean): PlanInput {
  const base = {
    changed: deploy.changed,
    free: deploy.free,
    maxPaths: deploy.maxPaths,
    maxWildcards: deploy.maxWildcards,
  };
  return withInventory ? { ...base, inventory: createSortedInventory([...deploy.served].sort()) } : base;
}
