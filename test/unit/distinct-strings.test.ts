import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctInOrder } from '../../shared/domain/distinct-strings.ts';

/** Ground truth written without the table: keep a string when no earlier one equals it. */
function firstOccurrences(strings: readonly string[]): string[] {
  return strings.filter((text, i) => strings.indexOf(text) === i);
}

describe('distinctInOrder', () => {
  it('keeps the first of each string, in order, for any strings', () => {
    // A small alphabet makes repeats and (in tables of 16 to 64 slots) hash collisions common.
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '-', 'é', '\u{1F600}'), maxLength: 4 }),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (strings) => {
        expect(distinctInOrder(strings)).toEqual(firstOccurrences(strings));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns the input itself when nothing repeats, and a copy otherwise', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `0d3c1e0e-${String(i).padStart(4, '0')}-4b8e-9f3a-message`);
    expect(distinctInOrder(ids)).toBe(ids);
    const repeated = [...ids, ids[7] as string, ids[0] as string];
    const distinct = distinctInOrder(repeated);
    expect(distinct).not.toBe(repeated);
    expect(distinct).toEqual(ids);
    expect(repeated).toHaveLength(10_002);
  });

  it('tells apart strings equal in content but built apart, and the empty string', () => {
    const built = ['ab', `${'a'}${'b'}`, '', String.fromCharCode(97, 98), ''];
    expect(distinctInOrder(built)).toEqual(['ab', '']);
    expect(distinctInOrder([])).toEqual([]);
  });
});
