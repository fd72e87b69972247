/*
 * Run by run-fuzz.test.ts in its own Node process (with --expose-gc): raises the process's lifetime peak RSS
 * by ~400 MB and gives the memory back, as an earlier suite in the same Jest worker does, then runs a fuzz
 * slice and prints, as JSON, the lifetime peak before the run and what the report measured. A fresh process
 * is needed because a long-lived worker keeps freed memory resident, so the ballast would not show.
 */
import { runFuzz } from '../../../tools/fuzz/run-fuzz';

/** What the parent test asserts on. */
export interface PriorPeakReport {
  lifetimePeakBytes: number;
  rssStartBytes: number;
  peakRssBytes: number;
  maxBoundBytes: number;
}

async function main(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const ballast: Buffer[] = Array.from({ length: 40 }, () => Buffer.alloc(10_000_000, 1));
  const lifetimePeakBytes = process.resourceUsage().maxRSS * 1024;
  ballast.length = 0;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const report = await runFuzz({ cases: 100, seed: 20261125, timeoutMs: 5000, maxDurationSec: 60 });
  const result: PriorPeakReport = {
    lifetimePeakBytes,
    rssStartBytes: report.rssStartBytes,
    peakRssBytes: report.peakRssBytes,
    maxBoundBytes: report.maxBoundBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
