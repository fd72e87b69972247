import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { AlignmentCaseRequest, AlignmentCaseResult } from './alignment-case';
import { loadAverage } from './load-average';

const run = promisify(execFile);

/** 50 frames per second (wav2vec2's 20 ms stride). */
const FPS = 50;

const CASES: ReadonlyArray<{ name: string; request: AlignmentCaseRequest }> = [
  { name: '1 min', request: { frames: 60 * FPS, seed: 1, strategy: 'auto' } },
  { name: '10 min', request: { frames: 600 * FPS, seed: 2, strategy: 'auto' } },
  { name: '1 h', request: { frames: 3600 * FPS, seed: 3, strategy: 'auto' } },
  { name: '4 h', request: { frames: 4 * 3600 * FPS, seed: 4, strategy: 'auto' } },
];
/** Small enough for the full exact DP: its cells/s, and a check that the banded path is the exact one. */
const EXACT_CASE: AlignmentCaseRequest = {
  frames: 300 * FPS,
  seed: 5,
  strategy: 'banded',
  compareExact: true,
};

/**
 * Aligns synthetic emissions (V = 32, ~15 tokens/s, peaky with confusions and noisy stretches) of 1 min to 4 h
 * against their transcripts and prints time, peak RSS and search statistics. Each case runs in a fresh node
 * process (the case script bundled by esbuild, so no TypeScript loader inflates the figures) whose own
 * `maxRSS` is its peak memory, emissions included.
 */
export async function runAlignmentBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'w2v2-align-bench-'));
  try {
    const script = join(dir, 'alignment-case.js');
    await build({
      entryPoints: [join(__dirname, 'alignment-case.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });
    const measure = async (request: AlignmentCaseRequest): Promise<AlignmentCaseResult> => {
      const { stdout } = await run(process.execPath, [script, JSON.stringify(request)], {
        maxBuffer: 1 << 20,
        timeout: 600_000,
      });
      return JSON.parse(stdout) as AlignmentCaseResult;
    };

    process.stdout.write(
      '\nCTC forced alignment (synthetic emissions, V = 32, one process per case; ' +
        `load average ${loadAverage()} on ${availableParallelism()} cores)\n`,
    );
    const header = [
      'audio',
      'frames',
      'targets',
      'wall s',
      'CPU s',
      'peak RSS MB',
      'strategy',
      'attempts',
      'cells',
      'cells/CPU s',
      'onset ±1 frame',
    ];
    const rows: string[][] = [];
    for (const { name, request } of CASES) {
      const r = await measure(request);
      rows.push([
        name,
        String(r.frames),
        String(r.targets),
        r.alignSec.toFixed(2),
        r.alignCpuSec.toFixed(2),
        r.maxRssMB.toFixed(0),
        r.strategy + (r.fellBack ? ' (fell back)' : ''),
        String(r.attempts),
        r.cells.toExponential(2),
        (r.cells / r.alignCpuSec).toExponential(2),
        `${(100 * r.onsetWithin1).toFixed(1)}%`,
      ]);
      printTable(header, rows.slice(-1), rows.length === 1);
    }

    const check = await measure(EXACT_CASE);
    const { exact } = check;
    if (exact === undefined) throw new Error('the exact-search case came back without its exact run');
    process.stdout.write(
      `\nexact DP (${exact.strategy}) on ${EXACT_CASE.frames / FPS} s: ${exact.cells.toExponential(2)} cells in ` +
        `${exact.cpuSec.toFixed(2)} CPU s = ${(exact.cells / exact.cpuSec).toExponential(2)} cells/s; ` +
        `banded (${check.cells.toExponential(2)} cells, ${check.alignCpuSec.toFixed(3)} CPU s) found the same path: ` +
        `${exact.same ? 'yes' : 'NO'}\nload average after: ${loadAverage()}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(header: string[], rows: string[][], withHeader: boolean): void {
  const widths = [7, 7, 8, 7, 7, 12, 13, 9, 9, 12, 9];
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join(' ')}\n`;
  if (withHeader) process.stdout.write(line(header));
  for (const row of rows) process.stdout.write(line(row));
}
