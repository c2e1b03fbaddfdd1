import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../../shared/local/fauxqs-byte-order.ts';

describe('compareUtf8', () => {
  it('orders any two strings as their UTF-8 bytes compare (surrogate pairs after U+E000-U+FFFF)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
    expect(compareUtf8('\u{1F600}', '\uFFFD')).toBeGreaterThan(0); // code-unit order says the opposite
    expect(compareUtf8('Zebra.txt', 'apple.txt')).toBeLessThan(0); // localeCompare says the opposite
  });
});
