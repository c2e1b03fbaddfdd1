/**
 * A small seeded PRNG (mulberry32): the same seed yields the same sequence, so a randomized
 * fault suite that fails can be replayed exactly from its seed.
 * @param seed - any integer; only its low 32 bits matter.
 * @returns a function giving the next number in [0, 1).
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
