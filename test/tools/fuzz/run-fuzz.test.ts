import { join } from 'node:path';
import { memoryBoundBytes, runFuzz } from '../../../tools/fuzz/run-fuzz';
import { REPO_ROOT } from '../../helpers/demo-model';
import { runNode } from '../../helpers/run-node';
import type { PriorPeakReport } from './prior-peak-probe';

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
    // Prepare: the probe raises its process's peak by ~400 MB and frees it before fuzzing
    const probe = `require(${JSON.stringify(join(__dirname, 'prior-peak-probe.ts'))});`;

    // Act
    const stdout = await runNode(probe, '', {
      cwd: REPO_ROOT,
      nodeArgs: ['--expose-gc', '--import', 'tsx'],
      timeoutMs: 50_000,
    });
    const report = JSON.parse(stdout) as PriorPeakReport;

    // Assess
    expect(report.rssStartBytes).toBeLessThan(report.lifetimePeakBytes - 200_000_000);
    expect(report.peakRssBytes).toBeLessThan(report.lifetimePeakBytes);
    expect(report.peakRssBytes - report.rssStartBytes).toBeLessThan(report.maxBoundBytes);
  }, 60_000);

  it('derives the memory bound from the file size and the duration limit', () => {
    const small = memoryBoundBytes(1000, 60);

    expect(memoryBoundBytes(1_000_000, 60) - small).toBe(4 * 999_000);
    expect(memoryBoundBytes(1000, 120) - small).toBe(2 * 4 * 60 * 16_000);
  });
});
