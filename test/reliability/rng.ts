import { createSeededRandom } from '../../shared/local/cloudfront-emulator/seeded-random.ts';

/** A seeded source of choices: the same seed gives the same scenario, so a failing run replays. */
export interface Rng {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A fresh stream for a sub-part, so adding draws in one part does not shift the others. */
  fork(label: string): Rng;
}

/**
 * A seeded random source over the emulator's mulberry32.
 *
 * @param seed - any integer
 */
export function createRng(seed: number): Rng {
  const draw = createSeededRandom(seed);
  const rng: Rng = {
    next: draw,
    int: (min, max) => min + Math.floor(draw() * (max - min + 1)),
    chance: (p) => draw() < p,
    pick: (items) => items[Math.floor(draw() * items.length)] as (typeof items)[number],
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(draw() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
    fork: (label) => createRng(mix(seed, label)),
  };
  return rng;
}

function mix(seed: number, label: string): number {
  let hash = seed >>> 0;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x9e3779b1) >>> 0;
  return hash;
}
