import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerReferenceOf, reservationTokenOf, unitKeyOf } from '../../shared/domain/unit-of-work.ts';

describe('unitKeyOf', () => {
  it('is the same for the same messages in any order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 20 }), (ids) => {
        // Act
        const forward = unitKeyOf('E1SITE0000000A', ids);
        const backward = unitKeyOf('E1SITE0000000A', [...ids].reverse());

        // Assess
        expect(forward).toBe(backward);
        expect(forward).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('differs for another distribution or another message set', () => {
    // Act
    const keys = [
      unitKeyOf('E1SITE0000000A', ['m1', 'm2']),
      unitKeyOf('E2DOCS0000000B', ['m1', 'm2']),
      unitKeyOf('E1SITE0000000A', ['m1', 'm3']),
      unitKeyOf('E1SITE0000000A', ['m1']),
    ];

    // Assess
    expect(new Set(keys).size).toBe(4);
  });
});

describe('callerReferenceOf', () => {
  it('derives a short, stable CallerReference from the unit key', () => {
    // Act
    const reference = callerReferenceOf(unitKeyOf('E1SITE0000000A', ['m1']));

    // Assess
    expect(reference).toMatch(/^inv-[0-9a-f]{32}$/);
  });
});

describe('reservationTokenOf', () => {
  it('fits a ClientRequestToken and changes with the attempt time and the plan', () => {
    // Act
    const tokens = [
      reservationTokenOf('unit', 1, ['/a']),
      reservationTokenOf('unit', 2, ['/a']),
      reservationTokenOf('unit', 1, ['/b']),
    ];

    // Assess
    for (const token of tokens) expect(token.length).toBeLessThanOrEqual(36);
    expect(new Set(tokens).size).toBe(3);
    expect(reservationTokenOf('unit', 1, ['/a'])).toBe(tokens[0]);
  });
});
