import { describe, expect, it } from 'vitest';
import { PlanBudgetError, PlanInputError } from '../../shared/domain/errors.ts';
import { MAX_PATH_LENGTH } from '../../shared/domain/paths.ts';
import { planInvalidation } from '../../shared/domain/planner/index.ts';
import { inventoryOf, numberedKeys, pathStrings, pathsOf, uncoveredPaths } from '../helpers/planner-factories.ts';

describe('planInvalidation', () => {
  describe('with an inventory', () => {
    it('keeps exact paths when they fit and no wildcard is free', () => {
      // Prepare
      const served = ['a/1.js', 'a/2.js', 'a/3.js', 'b/1.css'];
      const changed = pathsOf(['a/1.js', 'a/2.js', 'b/1.css']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 10, maxWildcards: 15, inventory: inventoryOf(served) });

      // Assess
      expect(pathStrings(plan)).toEqual(['/a/1.js', '/a/2.js', '/b/1.css']);
      expect(plan).toMatchObject({ exactPaths: 3, wildcardPaths: 0, changed: 3, collateral: 0 });
    });

    it('uses a zero-collateral wildcard to cut the path count', () => {
      // Prepare
      const served = [...numberedKeys('assets/chunk-', 5, '.js'), 'index.html'];
      const changed = pathsOf(numberedKeys('assets/chunk-', 5, '.js'));

      // Act
      const plan = planInvalidation({ changed, maxPaths: 100, maxWildcards: 15, inventory: inventoryOf(served) });

      // Assess
      expect(plan.paths).toEqual([{ path: '/assets/chunk-*', wildcard: true, covers: 5, collateral: 0 }]);
    });

    it('ends a wildcard inside a name when that spares the neighbours', () => {
      // Prepare
      const served = ['icons/arrow-left.svg', 'icons/arrow-right.svg', 'icons/star.svg', 'icons/sun.svg'];
      const changed = pathsOf(['icons/arrow-left.svg', 'icons/arrow-right.svg', 'icons/sun.svg']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 2, maxWildcards: 15, inventory: inventoryOf(served) });

      // Assess
      expect(pathStrings(plan)).toEqual(['/icons/arrow-*', '/icons/sun.svg']);
      expect(plan.collateral).toBe(0);
    });

    it('picks the least collateral when the budget forces merging', () => {
      // Prepare: merging /small/ evicts 1 object, merging /big/ evicts 10.
      const served = [...numberedKeys('small/', 3), ...numberedKeys('big/', 12)];
      const changed = pathsOf(['small/1', 'small/2', 'big/1', 'big/2']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 3, maxWildcards: 15, inventory: inventoryOf(served) });

      // Assess
      expect(pathStrings(plan)).toEqual(['/big/1', '/big/2', '/small/*']);
      expect(plan.paths[2]).toEqual({ path: '/small/*', wildcard: true, covers: 2, collateral: 1 });
      expect(plan.collateral).toBe(1);
    });

    it('counts deleted paths as covered but never as collateral', () => {
      // Prepare: old/ was deleted entirely; nothing else is served under it.
      const served = ['new/1.js', 'keep.txt'];
      const changed = pathsOf([...numberedKeys('old/', 4, '.js'), 'new/1.js']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 2, maxWildcards: 15, inventory: inventoryOf(served) });

      // Assess
      expect(pathStrings(plan)).toEqual(['/new/1.js', '/old/*']);
      expect(plan.collateral).toBe(0);
    });

    it('falls back to one wildcard over everything when one path is all the budget allows', () => {
      // Prepare
      const served = ['a/1', 'b/1', 'c/1'];
      const changed = pathsOf(['a/1', 'b/1']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 1, maxWildcards: 1, inventory: inventoryOf(served) });

      // Assess
      expect(plan.paths).toEqual([{ path: '/*', wildcard: true, covers: 2, collateral: 1 }]);
    });

    it('keeps within the wildcard budget by using exact paths', () => {
      // Prepare: two free wildcards would save the most, but only one is allowed.
      const served = [...numberedKeys('a/', 4), ...numberedKeys('b/', 3), 'c/keep'];
      const changed = pathsOf([...numberedKeys('a/', 4), ...numberedKeys('b/', 3)]);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 10, maxWildcards: 1, inventory: inventoryOf(served) });

      // Assess
      expect(pathStrings(plan)).toEqual(['/a/*', '/b/1', '/b/2', '/b/3']);
    });
  });

  describe('without an inventory', () => {
    it('keeps every path exact when they fit, whatever the wildcard budget', () => {
      // Prepare
      const changed = pathsOf(['a/1.js', 'a/2.js', 'b/1.css']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 3, maxWildcards: 0 });

      // Assess
      expect(pathStrings(plan)).toEqual(['/a/1.js', '/a/2.js', '/b/1.css']);
      expect(plan.collateral).toBeNull();
      expect(plan.paths.every((path) => path.collateral === null)).toBe(true);
    });

    it('merges the most specific groups first when over budget', () => {
      // Prepare: the deepest folder is merged before any shallower one.
      const changed = pathsOf(['docs/guide/a.html', 'docs/guide/b.html', 'docs/intro.html', 'blog/post.html']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 3, maxWildcards: 15 });

      // Assess
      expect(pathStrings(plan)).toEqual(['/blog/post.html', '/docs/guide/*', '/docs/intro.html']);
    });

    it('prefers a name prefix inside a folder over the folder', () => {
      // Prepare
      const changed = pathsOf(['icons/arrow-left.svg', 'icons/arrow-right.svg', 'icons/sun.svg']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 2, maxWildcards: 15 });

      // Assess
      expect(pathStrings(plan)).toEqual(['/icons/arrow-*', '/icons/sun.svg']);
    });
  });

  describe('paths CloudFront cannot take as they are', () => {
    it('covers a path holding * with a wildcard that ends before its first *', () => {
      // Prepare
      const changed = pathsOf(['docs/a*b.html', 'docs/c.html']);

      // Act
      const plan = planInvalidation({
        changed,
        maxPaths: 5,
        maxWildcards: 5,
        inventory: inventoryOf(['docs/c.html', 'docs/keep.html']),
      });

      // Assess
      expect(pathStrings(plan)).toEqual(['/docs/a*', '/docs/c.html']);
    });

    it.each([
      ['a tilde (CloudFront refused a raw ~, and %7E reportedly misses the ~ object)', 'users/~bob/a.html', '/users/*'],
      ["an apostrophe (CloudFront refused a ')", "docs/it's.html", '/docs/it*'],
    ])('covers a path holding %s with a wildcard that ends before it', (_case, key, wildcard) => {
      // Prepare
      const changed = pathsOf([key, 'other.html']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 5, maxWildcards: 5 });

      // Assess
      expect(pathStrings(plan)).toEqual(['/other.html', wildcard].sort());
    });

    it('covers a path over 4,000 characters with a wildcard on a shorter prefix', () => {
      // Prepare
      const long = `deep/${'x'.repeat(MAX_PATH_LENGTH)}`;
      const changed = pathsOf([long, 'other.txt']);

      // Act
      const served = [long, `deep/${'x'.repeat(200)}-kept`, 'other.txt', 'kept.txt'];
      const plan = planInvalidation({ changed, maxPaths: 5, maxWildcards: 5, inventory: inventoryOf(served) });

      // Assess
      const wildcard = plan.paths.find((path) => path.wildcard);
      expect(wildcard?.path.length).toBe(MAX_PATH_LENGTH);
      expect(uncoveredPaths(plan, changed)).toEqual([]);
    });

    it('never ends a long path wildcard inside an escape', () => {
      // Prepare: the 4,000-character limit falls inside an encoded é.
      const long = `${'y'.repeat(3995)}éééé`;
      const changed = pathsOf([long]);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 1, maxWildcards: 1 });

      // Assess
      const [wildcard] = pathStrings(plan);
      expect(wildcard?.endsWith('*')).toBe(true);
      expect(() => decodeURIComponent((wildcard as string).slice(0, -1))).not.toThrow();
      expect(wildcard?.length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
    });

    it('never ends a wildcard between the bytes of one character', () => {
      // Prepare: é (%C3%A9) and è (%C3%A8) share their first byte.
      const changed = pathsOf(['café', 'cafè']);

      // Act
      const plan = planInvalidation({ changed, maxPaths: 1, maxWildcards: 1 });

      // Assess
      expect(pathStrings(plan)).toEqual(['/caf*']);
    });
  });

  describe('input handling', () => {
    it('gives the same plan whatever the order and duplicates of the input', () => {
      // Prepare
      const keys = ['b/2', 'a/1', 'b/1', 'c'];
      const inventory = () => inventoryOf([...keys, 'b/3']);

      // Act
      const sorted = planInvalidation({
        changed: pathsOf(keys).sort(),
        maxPaths: 2,
        maxWildcards: 2,
        inventory: inventory(),
      });
      const shuffled = planInvalidation({
        changed: pathsOf([...keys, 'a/1', 'c'].reverse()),
        maxPaths: 2,
        maxWildcards: 2,
        inventory: inventory(),
      });

      // Assess
      expect(shuffled).toEqual(sorted);
      expect(sorted.changed).toBe(4);
    });

    it('returns an empty plan for no changes', () => {
      expect(planInvalidation({ changed: [], maxPaths: 0, maxWildcards: 0 })).toEqual({
        paths: [],
        exactPaths: 0,
        wildcardPaths: 0,
        changed: 0,
        free: 0,
        collateral: null,
      });
    });

    it('returns an empty plan when every change is free (new keys need no path)', () => {
      // Act
      const plan = planInvalidation({
        changed: [],
        free: pathsOf(['assets/a.js', 'assets/b.js']),
        maxPaths: 1,
        maxWildcards: 0,
        inventory: inventoryOf(['assets/a.js', 'assets/b.js', 'index.html']),
      });
      // Assess
      expect(plan).toMatchObject({ paths: [], changed: 0, free: 2, collateral: 0 });
    });

    it('covers a path that is both changed and free, and rejects a free path without "/"', () => {
      // Act
      const plan = planInvalidation({ changed: ['/a.js'], free: ['/a.js', '/b.js'], maxPaths: 5, maxWildcards: 0 });
      // Assess
      expect(plan).toMatchObject({ paths: [{ path: '/a.js' }], changed: 1, free: 1 });
      expect(() => planInvalidation({ changed: [], free: ['b.js'], maxPaths: 1, maxWildcards: 0 })).toThrow(
        'free[0]: expected a path starting with "/", got "b.js"',
      );
    });

    it('throws a retryable PlanBudgetError when the paths do not fit and no wildcard is allowed', () => {
      // Prepare
      const input = { changed: pathsOf(['a', 'b', 'c']), maxPaths: 2, maxWildcards: 0 };

      // Act
      const act = () => planInvalidation(input);

      // Assess
      expect(act).toThrow(PlanBudgetError);
      expect(act).toThrow(
        /no plan covers 3 changed paths \(0 only by a wildcard\) with at most 2 paths and 0 wildcards/,
      );
      expect(catchError(act)).toMatchObject({ name: 'PlanBudgetError', retryable: true });
    });

    it('throws a PlanBudgetError when a path needs a wildcard and none is allowed', () => {
      expect(() => planInvalidation({ changed: ['/a*'], maxPaths: 5, maxWildcards: 0 })).toThrow(PlanBudgetError);
    });

    it('rejects a path without its leading slash', () => {
      // Act
      const error = catchError(() =>
        planInvalidation({ changed: ['/ok', 'missing-slash'], maxPaths: 5, maxWildcards: 1 }),
      );

      // Assess
      expect(error).toBeInstanceOf(PlanInputError);
      expect(error).toMatchObject({
        retryable: false,
        message: 'changed[1]: expected a path starting with "/", got "missing-slash"',
      });
    });

    it('rejects a budget that is not a number', () => {
      expect(() => planInvalidation({ changed: ['/a'], maxPaths: Number.NaN, maxWildcards: 1 })).toThrow(
        PlanInputError,
      );
    });

    it('accepts an unlimited budget', () => {
      const plan = planInvalidation({
        changed: pathsOf(['a', 'b']),
        maxPaths: Number.POSITIVE_INFINITY,
        maxWildcards: 15,
      });
      expect(pathStrings(plan)).toEqual(['/a', '/b']);
    });
  });
});

function catchError(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
