import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FrontierContext, mergeFrontiers, RefArena } from '../../shared/domain/planner/frontier.ts';

/**
 * Two frontiers of 10 to 24 entries each, saves 0..20 and at most 3 wildcards: at least 100 pairs
 * on a grid of at most 4 x 41 cells, so the grid always takes the merge when it is allowed to.
 * Small costs make ties frequent; refs are wildcard nodes (negative) or none (0).
 */
function mergeCaseArbitrary() {
  const entry = fc.tuple(fc.nat(3), fc.nat(6), fc.nat(20), fc.integer({ min: -9, max: 0 }));
  const frontier = fc.array(entry, { minLength: 10, maxLength: 24 }).map((entries) => entries.flat());
  return fc.record({
    a: frontier,
    b: frontier,
    maxWildcards: fc.integer({ min: 1, max: 3 }),
    required: fc.nat(45),
    minSave: fc.oneof(fc.constant(Number.NEGATIVE_INFINITY), fc.nat(25)),
  });
}

function contextOf(maxWildcards: number, required: number, gridPairs: number): FrontierContext {
  return { maxWildcards, required, refs: new RefArena(), work: 0, gridPairs };
}

describe('mergeFrontiers', () => {
  describe('on the save grid', () => {
    it('keeps the same entries, in the same order, with the same provenance as sorting every pair', () => {
      fc.assert(
        fc.property(mergeCaseArbitrary(), ({ a, b, maxWildcards, required, minSave }) => {
          // Prepare
          const sorted = contextOf(maxWildcards, required, Number.POSITIVE_INFINITY);
          const gridded = contextOf(maxWildcards, required, 0);

          // Act
          const bySort = mergeFrontiers(a, b, minSave, sorted);
          const byGrid = mergeFrontiers(a, b, minSave, gridded);

          // Assess
          expect(byGrid).toEqual(bySort);
          expect(gridded.work).toBe(sorted.work);
          for (let i = 3; i < bySort.length; i += 4) {
            expect(gridded.refs.collectNodes(byGrid[i] as number)).toEqual(
              sorted.refs.collectNodes(bySort[i] as number),
            );
          }
        }),
        { numRuns: 2000 },
      );
    });
  });
});
