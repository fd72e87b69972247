/** Seconds rounded to milliseconds, without float noise like 0.30000000000000004. */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Scores rounded to four decimals: plenty for a confidence, and the JSON stays readable. */
export function roundScore(score: number): number {
  return Math.round(score * 10000) / 10000;
}
