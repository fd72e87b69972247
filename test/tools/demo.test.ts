import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../tools/demo';
import { StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('npm run demo', () => {
  it('aligns every sample through the local S3 pipeline and prints a word table per file', async () => {
    // Prepare
    const samplesDir = mkdtempSync(join(tmpdir(), 'w2v2-demo-samples-'));
    const outputDir = mkdtempSync(join(tmpdir(), 'w2v2-demo-out-'));
    writeFileSync(join(samplesDir, 'first.wav'), toneWav(1.5));
    writeFileSync(join(samplesDir, 'first.txt'), 'alpha beta gamma');
    writeFileSync(join(samplesDir, 'second.wav'), toneWav(1));
    writeFileSync(join(samplesDir, 'second.txt'), 'delta');
    writeFileSync(join(samplesDir, 'second.truth.json'), '{}');
    const out = sink();
    const err = sink();

    // Act
    const code = await runDemo({
      samplesDir,
      outputDir,
      out,
      err,
      overrides: { model: async () => new StandInModel() },
    });

    // Assess
    expect(err.text).toBe('');
    expect(code).toBe(0);
    expect(out.text).toMatch(/first\.wav {2}\(1\.50 s, align, \d\/3 words aligned/);
    for (const word of ['alpha', 'beta', 'gamma', 'delta'])
      expect(out.text).toMatch(new RegExp(`^${word}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}`, 'm'));
    expect(out.text).toContain('2 of 2 files aligned');
    expect(readdirSync(outputDir).sort()).toEqual(
      ['ctm', 'html', 'json', 'srt', 'TextGrid', 'vtt']
        .flatMap((ext) => [`first.${ext}`, `second.${ext}`])
        .sort(),
    );
    expect(out.text).toContain(`viewer: ${join(outputDir, 'first.html')}\n`);
    const viewer = readFileSync(join(outputDir, 'first.html'), 'utf8');
    expect(viewer).toMatch(/^<!doctype html>/);
    expect(viewer).toContain('data:audio/wav;base64,');
    expect(viewer).toContain('"word":"gamma"');
  });

  it('exits 1 with a message when there are no samples', async () => {
    const err = sink();

    const code = await runDemo({
      samplesDir: mkdtempSync(join(tmpdir(), 'w2v2-demo-empty-')),
      outputDir: tmpdir(),
      out: sink(),
      err,
    });

    expect(code).toBe(1);
    expect(err.text).toContain('no .wav samples');
  });
});
