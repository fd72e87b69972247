/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import { SAMPLES_DIR } from '../../helpers/demo-model';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('w2v2-align align --format html', () => {
  it('writes the viewer page with the decoded audio embedded, picked from the .html extension', async () => {
    // Prepare
    const out = join(mkdtempSync(join(tmpdir(), 'w2v2-align-html-')), 'puppy.html');
    const io = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(
      [
        'align',
        join(SAMPLES_DIR, 'puppy-tail.wav'),
        '--text-file',
        join(SAMPLES_DIR, 'puppy-tail.txt'),
        '--out',
        out,
      ],
      {},
      io,
    );

    // Assess
    expect(code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>puppy-tail.wav · w2v2-align</title>');
    expect(page).toMatch(/"audio":\{"src":"data:audio\/wav;base64,UklGR/);
    expect(io.stdout.text).toBe('');
  });
});
