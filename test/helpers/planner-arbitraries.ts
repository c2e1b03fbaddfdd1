/**
 * fast-check arbitraries for planner properties: tiny alphabets so keys share prefixes, nest
 * (`a` and `a/b`), hold `*`, spaces and non-ASCII (so paths carry `%XX` escapes), and deploys that
 * mix served, changed and deleted keys.
 */
import fc from 'fast-check';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';

/** A deploy in path space: what is served afterwards and what changed (some changed paths deleted). */
export interface DeployCase {
  served: string[];
  changed: string[];
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
      deleted: fc.array(keyArbitrary(), { maxLength: 3 }),
      maxPaths: fc.nat(maxChanged + 2),
      maxWildcards: fc.nat(maxWildcards),
    })
    .map(({ served, picks, deleted, maxPaths, maxWildcards: w }): DeployCase => {
      const servedPaths = [...new Set(served.map(toCloudFrontPath))];
      const picked =
        servedPaths.length === 0 ? [] : picks.map((pick) => servedPaths[pick % servedPaths.length] as string);
      return {
        served: servedPaths,
        changed: [...picked, ...deleted.map(toCloudFrontPath)],
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
      seed: fc.nat(),
      maxPaths: fc.integer({ min: 1, max: 12 }),
      maxWildcards: fc.integer({ min: 1, max: 2 }),
    })
    .map(({ served, changedShare, seed, maxPaths, maxWildcards }): DeployCase => {
      const paths = served.map(toCloudFrontPath);
      // A deterministic, seed-driven pick: changed paths cluster in some folders, scatter in others.
      const changed = paths.filter((path, i) => ((seed + i * 7919 + path.length * 31) % 1000) / 1000 < changedShare);
      return { served: paths, changed: changed.slice(0, 30), maxPaths, maxWildcards };
    })
    .filter((deploy) => deploy.changed.length > 0 && deploy.served.length - deploy.changed.length <= 31);
}
