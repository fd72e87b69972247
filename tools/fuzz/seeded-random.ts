import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/** A reproducible random source (pure-rand's xoroshiro128+): the same seed gives the same sequence. */
export class SeededRandom {
  private readonly generator: ReturnType<typeof xoroshiro128plus>;

  public constructor(public readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
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
