import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryBoundBytes, runFuzz } from '../../../tools/fuzz/run-fuzz';

/** Node's collector, reachable without starting Node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('the fuzzer, a fixed-seed slice', () => {
  it('answers 1,000 hostile audio files and transcripts with results or typed errors, within the timeout', async () => {
    // Prepare: 1,000 cases keep this near 20 s on a busy 2-core machine; `npm run fuzz` runs 100,000
    const options = { cases: 1000, seed: 20261125, timeoutMs: 5000, maxDurationSec: 60 };

    // Act
    const report = await runFuzz(options);

    // Assess
    expect(report.cases).toBe(1000);
    expect(report.violations).toEqual([]);
    expect(report.maxCaseMs).toBeLessThan(options.timeoutMs);
    expect(report.peakRssBytes - report.rssStartBytes).toBeLessThan(report.maxBoundBytes);
    const kinds = Object.keys(report.outcomes).sort();
    expect(kinds).toEqual(['generated header', 'mutated WAV', 'mutated compressed', 'transcript']);
    for (const outcomes of Object.values(report.outcomes)) {
      expect(Object.keys(outcomes)).not.toContain('crash');
    }
  }, 120_000);

  it('does not count a high-water mark the process reached before the run', async () => {
    // Prepare: raise the process's lifetime peak RSS by ~400 MB, then give the memory back, as an earlier suite
    // in the same Jest worker does
    const gc = collector();
    let ballast: Buffer[] = Array.from({ length: 40 }, () => Buffer.alloc(10_000_000, 1));
    const lifetimePeak = process.resourceUsage().maxRSS * 1024;
    ballast = [];
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();

    // Act
    const report = await runFuzz({ cases: 100, seed: 20261125, timeoutMs: 5000, maxDurationSec: 60 });

    // Assess
    expect(ballast).toHaveLength(0);
    expect(report.rssStartBytes).toBeLessThan(lifetimePeak - 200_000_000);
    expect(report.peakRssBytes).toBeLessThan(lifetimePeak);
    expect(report.peakRssBytes - report.rssStartBytes).toBeLessThan(report.maxBoundBytes);
  }, 60_000);

  it('derives the memory bound from the file size and the duration limit', () => {
    const small = memoryBoundBytes(1000, 60);

    expect(memoryBoundBytes(1_000_000, 60) - small).toBe(4 * 999_000);
    expect(memoryBoundBytes(1000, 120) - small).toBe(2 * 4 * 60 * 16_000);
  });
});
