import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runDemo } from '../demo';
import { loadAverage } from './load-average';
import { printTable } from './table';

const SAMPLES = join(__dirname, '..', '..', 'samples');

/**
 * `npm run demo` end to end, as its test runs it: the bundled samples through a local S3 and the CPU pipeline
 * with the bundled demo model, cold (model load included). Prints the wall time and how many files were
 * aligned. Figures only, no pass or fail.
 */
export async function runDemoBench(): Promise<void> {
  const samples = readdirSync(SAMPLES).filter((name) => name.endsWith('.wav')).length;
  process.stdout.write(
    `\nDemo end to end: ${samples} bundled samples through the local S3 (load average ` +
      `${loadAverage()} on ${availableParallelism()} cores)\n`,
  );
  const outputDir = mkdtempSync(join(tmpdir(), 'w2v2-demo-bench-'));
  try {
    let out = '';
    const started = performance.now();
    const code = await runDemo({
      samplesDir: SAMPLES,
      outputDir,
      out: { write: (text: string) => (out += text) },
      err: { write: () => undefined },
    });
    const wallSec = (performance.now() - started) / 1000;
    const aligned = /(\d+) of \d+ files aligned/.exec(out)?.[1] ?? '0';
    printTable(
      ['samples', 'aligned', 'exit code', 'wall s'],
      [[String(samples), aligned, String(code), wallSec.toFixed(1)]],
    );
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}
