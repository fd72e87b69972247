import { performance } from 'node:perf_hooks';

/** Runs `work` once to warm up, then `rounds` more times; the median wall time of those, in milliseconds. */
export async function medianMs(work: () => unknown, rounds = 5): Promise<number> {
  await work();
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** The median of `values` (the upper one of an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
