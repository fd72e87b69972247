import type { AlignmentResult } from '../../shared/output/result';

/** Stats that measure the run (wall-clock times), not the result; they differ between two correct runs. */
const TIMING_STATS = ['downloadMs', 'inferenceMs', 'alignMs', 'realTimeFactor'] as const;

/** The result without its timing stats, as canonical JSON. */
export function comparableResult(json: string): string {
  const result = JSON.parse(json) as AlignmentResult;
  const stats: Record<string, unknown> = { ...result.stats };
  for (const key of TIMING_STATS) delete stats[key];
  return JSON.stringify({ ...result, stats });
}

/** Whether two result documents agree on everything but timing stats. */
export function sameResult(actual: string, reference: string): boolean {
  return comparableResult(actual) === comparableResult(reference);
}
