import { describe, expect, it } from 'vitest';
import { describeSavings } from '../../shared/local/demo/run-demo.ts';

describe('describeSavings', () => {
  it('inside the free tier: no money saved now, the price beyond it named as such', () => {
    expect(describeSavings(57, 13, 40)).toEqual([
      '  -> saved 44 paths against one path per changed object (57 -> 13):',
      "     $0.00 now (53 of the month's 1,000 free paths used); $0.22 beyond the free tier",
    ]);
  });

  it('beyond the free tier: the dollars avoided, only for the paths past the tier', () => {
    expect(describeSavings(57, 13, 980)[1]).toBe('     $0.185 avoided at $0.005/path beyond the free tier'); // 37 - 0 billable
    expect(describeSavings(2, 1, 5000)).toEqual([
      '  -> saved 1 path against one path per changed object (2 -> 1):',
      '     $0.005 avoided at $0.005/path beyond the free tier',
    ]);
  });

  it('no saving: says so, with singular nouns where the count is one', () => {
    expect(describeSavings(1, 2, 0)).toEqual([
      '  -> no paths saved: 2 paths for 1 changed object (index documents add paths)',
    ]);
  });
});
