/**
 * A small seeded random source. Images must be byte-identical for the same input, so nothing
 * here may read Math.random, the clock or the environment.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
  /** Integer in [low, high], both ends included. */
  integer(low: number, high: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Roughly normal with mean 0 and standard deviation 1 (sum of uniforms, cheap and bounded). */
  gaussian(): number;
}

/** 32-bit FNV-1a over the UTF-16 code units, then avalanche-mixed so near strings diverge. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** mulberry32 seeded from a string: fast, good enough for drawing, identical on every platform. */
export function createRandom(seed: string): Random {
  let state = hashString(seed);
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    between(low, high) {
      return low + (high - low) * next();
    },
    integer(low, high) {
      return low + Math.floor(next() * (high - low + 1));
    },
    chance(probability) {
      return next() < probability;
    },
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    gaussian() {
      return (next() + next() + next() + next() - 2) * 1.732;
    },
  };
}
