/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import type { AlignmentResult } from '../../../shared/output/result';
import { SAMPLES_DIR } from '../../helpers/demo-model';

function buffers(): {
  stdout: { text: string; write(t: string): void };
  stderr: { text: string; write(t: string): void };
} {
  const sink = () => ({
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  });
  return { stdout: sink(), stderr: sink() };
}

/** A temp folder with two samples and their transcripts, one in a subfolder, and one audio without text. */
function sampleFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-'));
  mkdirSync(join(dir, 'sub'));
  for (const ext of ['wav', 'txt'])
    copyFileSync(join(SAMPLES_DIR, `blue-notebook.${ext}`), join(dir, `blue-notebook.${ext}`));
  for (const ext of ['wav', 'txt'])
    copyFileSync(join(SAMPLES_DIR, `puppy-tail.${ext}`), join(dir, 'sub', `puppy-tail.${ext}`));
  copyFileSync(join(SAMPLES_DIR, 'quiet-rivers.wav'), join(dir, 'quiet-rivers.wav'));
  return dir;
}

function readResult(path: string): AlignmentResult {
  return JSON.parse(readFileSync(path, 'utf8')) as AlignmentResult;
}

describe('w2v2-align align-dir', () => {
  it('aligns every audio file with its sidecar transcript and writes JSON and the viewer next to it', async () => {
    // Prepare
    const dir = sampleFolder();
    const io = buffers();

    // Act
    const code = await runCli(['align-dir', dir, '--jobs', '2'], {}, io);

    // Assess
    expect(code).toBe(0);
    const blue = readResult(join(dir, 'blue-notebook.align.json'));
    expect(blue.mode).toBe('align');
    expect(blue.text).toBe(readFileSync(join(dir, 'blue-notebook.txt'), 'utf8'));
    expect(blue.source).toMatchObject({
      transcriptPath: join(dir, 'blue-notebook.txt'),
      size: expect.any(Number),
    });
    expect(readResult(join(dir, 'sub', 'puppy-tail.align.json')).mode).toBe('align');
    expect(readResult(join(dir, 'quiet-rivers.align.json')).mode).toBe('transcribe');
    expect(readFileSync(join(dir, 'sub', 'puppy-tail.align.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(io.stderr.text.match(/^\[\d\/3\] ok {6}/gm)).toHaveLength(3);
    expect(io.stdout.text).toMatch(
      /^files\s+ok\s+failed\s+skipped\s+audio\s+wall\s+RTF\n3\s+3\s+0\s+0\s+0:\d\d\s/,
    );
  });

  it('skips up-to-date results on the next run and redoes a file whose transcript changed', async () => {
    // Prepare
    const dir = sampleFolder();
    await runCli(['align-dir', dir, '--format', 'json'], {}, buffers());
    writeFileSync(join(dir, 'blue-notebook.txt'), 'Please hand me the notebook.');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'blue-notebook.txt'), later, later);
    const io = buffers();

    // Act
    const code = await runCli(['align-dir', dir, '--format', 'json'], {}, io);

    // Assess
    expect(code).toBe(0);
    expect(io.stderr.text).toMatch(/skipped sub\/puppy-tail\.wav \(up to date\)/);
    expect(io.stderr.text).toMatch(/skipped quiet-rivers\.wav/);
    expect(io.stderr.text).toMatch(/ok {6}blue-notebook\.wav/);
    expect(readResult(join(dir, 'blue-notebook.align.json')).text).toBe('Please hand me the notebook.');
    expect(io.stdout.text).toMatch(/\n3\s+1\s+0\s+2\s/);
  });

  it('records a failed file in <name>.error.json, carries on with the rest and exits 1', async () => {
    // Prepare
    const dir = sampleFolder();
    writeFileSync(join(dir, 'broken.wav'), 'this is not audio');
    writeFileSync(join(dir, 'broken.txt'), 'nothing');
    const io = buffers();

    // Act
    const code = await runCli(['align-dir', dir, '--format', 'json'], {}, io);

    // Assess
    expect(code).toBe(1);
    const record = JSON.parse(readFileSync(join(dir, 'broken.error.json'), 'utf8'));
    expect(record.error.code).toBe('AUDIO_DECODE');
    expect(record.source.transcriptPath).toBe(join(dir, 'broken.txt'));
    expect(existsSync(join(dir, 'blue-notebook.align.json'))).toBe(true);
    expect(io.stdout.text).toMatch(/\n4\s+3\s+1\s+0\s/);
    expect(io.stderr.text).toMatch(/error AUDIO_DECODE: 1 of 4 files failed \(first: broken\.wav/);
  });

  it('exits 1, not the usage code 2, when a file fails for its invalid descriptor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-bad-'));
    copyFileSync(join(SAMPLES_DIR, 'puppy-tail.wav'), join(dir, 'puppy-tail.wav'));
    writeFileSync(join(dir, 'puppy-tail.json'), '{"text": 5}');
    const io = buffers();

    const code = await runCli(['align-dir', dir], {}, io);

    expect(code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'puppy-tail.error.json'), 'utf8')).error.code).toBe(
      'INVALID_INPUT',
    );
    expect(io.stderr.text).toMatch(/error INVALID_INPUT: 1 of 1 files failed/);
  });

  it('takes a result saved as <name>.json beside the audio for no descriptor, aligns <name>.txt and warns', async () => {
    // Prepare: as the README's `align speech.wav --text-file speech.txt --out speech.json` leaves one; a
    // transcription's text differs from the transcript, so taking it would show.
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-result-'));
    copyFileSync(join(SAMPLES_DIR, 'puppy-tail.wav'), join(dir, 'puppy-tail.wav'));
    writeFileSync(join(dir, 'puppy-tail.txt'), 'The children laughed.');
    await runCli(
      ['transcribe', join(dir, 'puppy-tail.wav'), '--out', join(dir, 'puppy-tail.json')],
      {},
      buffers(),
    );
    const io = buffers();

    // Act
    const code = await runCli(['align-dir', dir, '--format', 'json'], {}, io);

    // Assess
    expect(code).toBe(0);
    const result = readResult(join(dir, 'puppy-tail.align.json'));
    expect([result.mode, result.text, result.source.transcriptPath]).toEqual([
      'align',
      'The children laughed.',
      join(dir, 'puppy-tail.txt'),
    ]);
    const warning =
      'puppy-tail.json is an alignment result ("version": 1 with "words" or "source"), not an activity ' +
      'descriptor: ignored; the transcript is puppy-tail.txt';
    expect(result.warnings).toContain(warning);
    expect(io.stderr.text).toContain(`\nwarning: puppy-tail.wav: ${warning}\n`);
  });

  it('writes under --out, mirroring the subfolders, and leaves the input folder untouched', async () => {
    const dir = sampleFolder();
    const out = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-out-'));
    const before = readdirSync(dir, { recursive: true }).sort();

    const code = await runCli(['align-dir', dir, '--out', out, '--format', 'vtt'], {}, buffers());

    expect(code).toBe(0);
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
    expect(readdirSync(join(out, 'sub')).sort()).toEqual(['puppy-tail.align.json', 'puppy-tail.align.vtt']);
  });

  it('says so when a folder has no audio, and succeeds', async () => {
    const io = buffers();

    const code = await runCli(['align-dir', mkdtempSync(join(tmpdir(), 'w2v2-align-dir-empty-'))], {}, io);

    expect(code).toBe(0);
    expect(io.stderr.text).toMatch(/^no audio files \(\.wav, \.flac, \.mp3, \.ogg, \.opus\) under /);
    expect(io.stdout.text).toMatch(/\n0\s+0\s+0\s+0\s/);
  });

  it('aligns .opus files too, as the S3 pipeline does (the decoder sniffs the real format)', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-opus-'));
    copyFileSync(join(SAMPLES_DIR, 'puppy-tail.wav'), join(dir, 'puppy-tail.opus'));
    copyFileSync(join(SAMPLES_DIR, 'puppy-tail.txt'), join(dir, 'puppy-tail.txt'));

    // Act
    const code = await runCli(['align-dir', dir, '--format', 'json'], {}, buffers());

    // Assess
    expect(code).toBe(0);
    expect(readResult(join(dir, 'puppy-tail.opus.align.json')).mode).toBe('align');
  });

  it('removes the <name>.error.json of an earlier run once the file succeeds', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-align-dir-fixed-'));
    writeFileSync(join(dir, 'puppy-tail.wav'), 'not audio yet');
    await runCli(['align-dir', dir, '--format', 'json'], {}, buffers());
    const failedFirst = existsSync(join(dir, 'puppy-tail.error.json'));
    copyFileSync(join(SAMPLES_DIR, 'puppy-tail.wav'), join(dir, 'puppy-tail.wav'));

    // Act
    const code = await runCli(['align-dir', dir, '--format', 'json'], {}, buffers());

    // Assess
    expect(failedFirst).toBe(true);
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'puppy-tail.error.json'))).toBe(false);
    expect(existsSync(join(dir, 'puppy-tail.align.json'))).toBe(true);
  });

  it('refuses a path that is not a folder and a bad --jobs', async () => {
    const io = buffers();

    expect(await runCli(['align-dir', join(SAMPLES_DIR, 'puppy-tail.wav')], {}, io)).toBe(2);
    expect(await runCli(['align-dir', SAMPLES_DIR, '--jobs', '0'], {}, io)).toBe(2);
    expect(io.stderr.text).toMatch(/is not a folder[\s\S]*--jobs must be a positive whole number, got "0"/);
  });
});
