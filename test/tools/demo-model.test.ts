/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlignmentResult } from '../../shared/output/result';
import { runDemo } from '../../tools/demo';

const SAMPLES = join(__dirname, '..', '..', 'samples');
const STEMS = ['blue-notebook', 'harbor-1999', 'puppy-tail', 'quiet-rivers', 'well-known-sailor'];

interface Truth {
  words: Array<{ word: string; start: number; end: number }>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('npm run demo with the bundled model and samples', () => {
  it('aligns every sample end to end through local S3, near the true word times', async () => {
    // Prepare (the demo's wall time is a figure of `npm run bench -- demo`)
    const outputDir = mkdtempSync(join(tmpdir(), 'w2v2-demo-real-'));
    let out = '';
    let err = '';

    // Act
    const code = await runDemo({
      samplesDir: SAMPLES,
      outputDir,
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    });

    // Assess
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`${STEMS.length} of ${STEMS.length} files aligned`);
    for (const stem of STEMS) {
      const result = JSON.parse(readFileSync(join(outputDir, `${stem}.json`), 'utf8')) as AlignmentResult;
      const truth = JSON.parse(readFileSync(join(SAMPLES, `${stem}.truth.json`), 'utf8')) as Truth;
      expect(result.mode).toBe('align');
      expect(result.words).toHaveLength(truth.words.length);
      const startErrors = result.words.map((word, i) => Math.abs(word.start - truth.words[i]!.start));
      expect(median(startErrors)).toBeLessThan(0.1);
    }
  });
});
