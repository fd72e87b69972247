/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import type { AlignmentResult } from '../../../shared/output/result';
import { runCliProcess } from '../../helpers/cli-process';
import { SAMPLES_DIR } from '../../helpers/demo-model';
import { bareOnnxRuntimeStderr, unwritableHome } from '../../helpers/unwritable-home';
import { buildWav, chunk } from '../../shared/audio/wav-fixture';

const PUPPY_AUDIO = join(SAMPLES_DIR, 'puppy-tail.wav');

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

describe('w2v2-align align with a transcript that does not fit the audio', () => {
  const puppyText = join(SAMPLES_DIR, 'puppy-tail.txt');
  const sailorText = join(SAMPLES_DIR, 'well-known-sailor.txt');

  it('warns on stderr why the alignment looks wrong, and still writes it', async () => {
    // Prepare
    const io = { stdout: sink(), stderr: sink() };
    const matching = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(['align', PUPPY_AUDIO, '--text-file', sailorText], {}, io);
    await runCli(['align', PUPPY_AUDIO, '--text-file', puppyText], {}, matching);

    // Assess
    expect(code).toBe(0);
    expect(io.stderr.text).toMatch(
      /^warning: alignment looks wrong \(is the transcript the one of this audio\?\): mean word score 0\.16 is below 0\.6; 11 of 11 words score under 0\.5\n$/,
    );
    expect((JSON.parse(io.stdout.text) as AlignmentResult).warnings).toHaveLength(1);
    expect(matching.stderr.text).toBe('');
  });

  it('fails with ALIGNMENT_IMPOSSIBLE and writes nothing when the mean score is below --min-score', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-min-score-'));
    const io = { stdout: sink(), stderr: sink() };
    const matching = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(
      ['align', PUPPY_AUDIO, '--text-file', sailorText, '--min-score', '0.6', '--out', join(dir, 'bad.json')],
      {},
      io,
    );
    const matchingCode = await runCli(
      ['align', PUPPY_AUDIO, '--text-file', puppyText, '--min-score', '0.6', '--out', join(dir, 'good.json')],
      {},
      matching,
    );

    // Assess
    expect(code).toBe(1);
    expect(io.stderr.text.split('\n')[1]).toBe(
      'error ALIGNMENT_IMPOSSIBLE: mean word score 0.1626 is below the minimum of 0.6 asked for: the transcript ' +
        'does not fit the audio well enough (is it the transcript of this audio?)',
    );
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    expect(matchingCode).toBe(0);
    expect(existsSync(join(dir, 'good.json'))).toBe(true);
  });

  it.each(['1.5', '-0.1', 'high', ''])('refuses --min-score %j as a usage error', async (value) => {
    // Prepare
    const io = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(
      ['align', PUPPY_AUDIO, '--text-file', puppyText, `--min-score=${value}`],
      {},
      io,
    );

    // Assess
    expect(code).toBe(2);
    expect(io.stderr.text).toMatch(
      `error INVALID_INPUT: --min-score must be a number from 0 to 1, got "${value}"`,
    );
  });
});

/** Kills a run that regresses to reading without bound (or waiting forever) before it can hurt the machine. */
const LIMITS = { killAfterMs: 30_000, maxRssBytes: 1024 ** 3 };
const PUPPY = join(SAMPLES_DIR, 'puppy-tail.wav');
const MONO_16K = { channels: 1, sampleRate: 16_000, bitsPerSample: 16 };

describe('w2v2-align align from FIFOs and devices', () => {
  let dir: string;
  let writer: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'w2v2-fifo-'));
  });

  afterEach(() => {
    writer?.kill('SIGKILL');
    writer = undefined;
  });

  /** A FIFO named `name` in the test's folder. */
  function fifo(name: string): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    return path;
  }

  /** Writes `head`, then `tail` (a file, /dev/zero for no end) into `path` from a shell, after `delaySec`. */
  function feed(path: string, head: Uint8Array, tail: string, delaySec = 0): void {
    const headFile = join(dir, 'head.bin');
    writeFileSync(headFile, head);
    writer = spawn('sh', ['-c', `sleep ${delaySec}; exec cat "$1" "$2" > "$3"`, 'sh', headFile, tail, path], {
      stdio: 'ignore',
    });
  }

  it('fails fast with AUDIO_DECODE on a device that never ends (/dev/zero), in little memory', async () => {
    // Act
    const run = await runCliProcess(['align', '/dev/zero', '--text', 'a'], {}, LIMITS);

    // Assess
    expect(run.killed).toBeUndefined();
    expect(run.stderr).toMatch(/^error AUDIO_DECODE: not a recognised audio format \(first bytes: 00 00/);
    expect(run.code).toBe(1);
    expect(run.peakRssBytes).toBeGreaterThan(0);
    expect(run.peakRssBytes).toBeLessThan(512 * 1024 ** 2);
  });

  it('stops endless WAV audio from a FIFO at MAX_AUDIO_DURATION_SEC, in little memory', async () => {
    // Prepare: a data chunk of unknown size, then zeros (silence) without end.
    const path = fifo('endless.wav');
    feed(path, buildWav({ fmt: MONO_16K, data: new Uint8Array(0), dataSize: 0xffffffff }), '/dev/zero');

    // Act
    const run = await runCliProcess(['align', path, '--text', 'a'], { MAX_AUDIO_DURATION_SEC: '60' }, LIMITS);

    // Assess
    expect(run.killed).toBeUndefined();
    expect(run.stderr).toMatch(
      /^error AUDIO_TOO_LONG: audio is at least 6\d\.\d s long, over the 60 s limit/,
    );
    expect(run.code).toBe(1);
    expect(run.peakRssBytes).toBeLessThan(512 * 1024 ** 2);
  });

  it('stops a FIFO at the byte bound of the duration limit when no audio ever comes', async () => {
    // Prepare: a chunk before the data that declares 4 GB and whose bytes never end.
    const path = fifo('junk.wav');
    const header = buildWav({ fmt: MONO_16K, data: new Uint8Array(0) });
    feed(path, Buffer.concat([header.subarray(0, 36), chunk('JUNK', [], 0xfffffff0)]), '/dev/zero');

    // Act
    const run = await runCliProcess(['align', path, '--text', 'a'], { MAX_AUDIO_DURATION_SEC: '60' }, LIMITS);

    // Assess: 60 s of 192 kHz stereo 32-bit audio is 92,160,000 bytes.
    expect(run.killed).toBeUndefined();
    expect(run.stderr).toMatch(/^error AUDIO_TOO_LONG: .*junk\.wav sent more than 92160000 bytes/);
    expect(run.code).toBe(1);
    expect(run.peakRssBytes).toBeLessThan(512 * 1024 ** 2);
  });

  it('fails with TIMEOUT on a FIFO that no writer opens, and exits', async () => {
    // Prepare
    const path = fifo('nobody.wav');

    // Act
    const run = await runCliProcess(['align', path, '--text', 'a'], { AUDIO_READ_TIMEOUT_SEC: '1' }, LIMITS);

    // Assess
    expect(run.killed).toBeUndefined();
    expect(run.stderr).toMatch(
      /^error TIMEOUT: reading the audio took longer than 1000 ms \(AUDIO_READ_TIMEOUT_SEC\)/,
    );
    expect(run.code).toBe(1);
    expect(run.wallMs).toBeGreaterThanOrEqual(1000);
  });

  it('aligns audio from a FIFO whose writer comes after the read began', async () => {
    // Prepare
    const path = fifo('late.wav');
    feed(path, new Uint8Array(0), PUPPY, 0.5);

    // Act
    const run = await runCliProcess(
      ['align', path, '--text-file', join(SAMPLES_DIR, 'puppy-tail.txt')],
      { AUDIO_READ_TIMEOUT_SEC: '10' },
      LIMITS,
    );

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as AlignmentResult;
    expect(result.words[0]?.word).toBe('The');
    expect(result.stats.wordsUnaligned).toBe(0);
  });
});

describe('w2v2-align align with an unwritable HOME', () => {
  it("keeps onnxruntime's warnings off stderr, which a bare onnxruntime session prints there", async () => {
    // Prepare
    const home = unwritableHome();
    const bare = await bareOnnxRuntimeStderr(home);

    // Act
    const run = await runCliProcess(
      ['align', PUPPY, '--text-file', join(SAMPLES_DIR, 'puppy-tail.txt')],
      { HOME: home },
      LIMITS,
    );

    // Assess
    expect(bare).toMatch(/W:onnxruntime/);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
