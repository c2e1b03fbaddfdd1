import { describe, expect, it } from 'vitest';
import { isPending } from '../reliability/invariants.ts';

// The soak's invariant 1 counts a stale object as waiting when its path is in a pending set. What a
// refused request issued in part could not issue waits as planned, wildcards included (soak seed 141).
describe('a stale path waiting in a pending set (soak invariant 1)', () => {
  const pending = new Set(['E1 /r3x/s0/index.html', 'E1 /r3x/x/it*', 'E2 /docs/*']);

  it('waits as itself', () => {
    expect(isPending(pending, 'E1', '/r3x/s0/index.html')).toBe(true);
  });

  it("waits under a pending wildcard of its distribution (seed 141: /r3x/x/it's.html under /r3x/x/it*)", () => {
    expect(isPending(pending, 'E1', "/r3x/x/it's.html")).toBe(true);
    expect(isPending(new Set(['E1 /*']), 'E1', '/any/path.html')).toBe(true);
  });

  it('does not wait under another distribution, an exact path that is only a prefix, or a longer id', () => {
    expect(isPending(pending, 'E2', "/r3x/x/it's.html")).toBe(false);
    expect(isPending(new Set(['E1 /r3x/x/it']), 'E1', "/r3x/x/it's.html")).toBe(false);
    expect(isPending(new Set(['E1 /*']), 'E12', '/any/path.html')).toBe(false);
    expect(isPending(pending, 'E1', '/r3x/s0/page-1.html')).toBe(false);
  });
});
