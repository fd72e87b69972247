import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/** A reproducible random source (pure-rand's xoroshiro128+): the same seed gives the same sequence. */
export class SeededRandom {
  private readonly generator: ReturnType<typeof xoroshiro128plus>;

  public constructor(public readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /**
   * An independent source for item `index` of a run seeded with `seed`: nearby xoroshiro seeds start with
   * nearly equal outputs, so the pair is scrambled first (MurmurHash3's 32-bit finaliser).
   */
  public static derive(seed: number, index: number): SeededRandom {
    let h = (Math.imul(seed, 0x9e3779b1) ^ index) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return new SeededRandom((h ^ (h >>> 16)) | 0);
  }

  /** A whole number in [min, max], both included. */
  public int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }

  /** A number in [0, 1). */
  public next(): number {
    return this.int(0, 0x7fffffff) / 0x80000000;
  }

  /** True with probability `p`. */
  public chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  public pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick needs at least one item');
    return items[this.int(0, items.length - 1)]!;
  }

  /** `length` random bytes. */
  public bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}
