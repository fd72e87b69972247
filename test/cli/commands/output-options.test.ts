/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import { runCliProcess } from '../../helpers/cli-process';
import { SAMPLES_DIR } from '../../helpers/demo-model';

const LIMITS = { killAfterMs: 60_000, maxRssBytes: 1024 ** 3 };
const PUPPY = join(SAMPLES_DIR, 'puppy-tail.wav');
const PUPPY_TEXT = join(SAMPLES_DIR, 'puppy-tail.txt');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'w2v2-out-'));
}

/** A regular file, under which no one, root included, can make a file or a folder. */
function plainFile(): string {
  const path = join(scratch(), 'plain');
  writeFileSync(path, '');
  return path;
}

describe('w2v2-align --out checked before the work', () => {
  it.each([
    ['a missing folder', () => join(scratch(), 'missing', 'words.json'), /folder ".*missing" does not exist/],
    ['a path under a file', () => join(plainFile(), 'words.json'), /"[^"]*plain" is not a folder/],
    ['a folder', () => scratch(), /is a folder; name a file/],
  ])('refuses %s as a usage error before decoding the audio', async (_label, out, message) => {
    // Act: /dev/zero fails to decode, so a check made after decoding would report AUDIO_DECODE instead.
    const run = await runCliProcess(['align', '/dev/zero', '--text', 'a', '--out', out()], {}, LIMITS);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/^error INVALID_INPUT: --out /);
    expect(run.stderr).toMatch(message);
  });

  it('refuses an align-dir --out under a file before aligning, writing nothing', async () => {
    // Prepare
    const dir = scratch();
    for (const ext of ['wav', 'txt'])
      copyFileSync(join(SAMPLES_DIR, `puppy-tail.${ext}`), join(dir, `puppy.${ext}`));

    // Act
    const run = await runCliProcess(['align-dir', dir, '--out', join(plainFile(), 'results')], {}, LIMITS);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error INVALID_INPUT: --out ".*results": "[^"]*plain" is not a folder/);
    expect(readdirSync(dir).sort()).toEqual(['puppy.txt', 'puppy.wav']);
  });
});

describe('w2v2-align --format and --out', () => {
  it.each([
    ['words.vtt', /^WEBVTT/],
    ['words.srt', /^1\n00:00:0/],
    ['words.TextGrid', /^File type = "ooTextFile"/],
    ['words.ctm', /^puppy-tail 1 /],
    ['words.html', /^<!doctype html>/],
    ['words.json', /^\{\n {2}"/],
  ])('writes the format %s names', async (name, content) => {
    // Prepare
    const out = join(scratch(), name);

    // Act
    const run = await runCliProcess(['align', PUPPY, '--text-file', PUPPY_TEXT, '--out', out], {}, LIMITS);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(content);
  });

  it('refuses an --out extension that names another format than --format, writing nothing', async () => {
    // Prepare
    const out = join(scratch(), 'speech.vtt');

    // Act
    const run = await runCliProcess(
      ['align', PUPPY, '--text-file', PUPPY_TEXT, '--out', out, '--format', 'srt'],
      {},
      LIMITS,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error INVALID_INPUT: --out ".*speech\.vtt" names a vtt file but --format is srt; drop --format or end --out with \.srt\n/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('w2v2-align --format html without --out', () => {
  it('refuses to write the page to a terminal', async () => {
    // Prepare
    const stdout = { text: '', isTTY: true, write: (text: string) => (stdout.text += text) };
    const stderr = { text: '', write: (text: string) => (stderr.text += text) };

    // Act
    const code = await runCli(
      ['align', PUPPY, '--text-file', PUPPY_TEXT, '--format', 'html'],
      {},
      { stdout, stderr },
    );

    // Assess
    expect(code).toBe(2);
    expect(stdout.text).toBe('');
    expect(stderr.text).toMatch(
      /^error INVALID_INPUT: --format html writes a whole web page, not for a terminal; /,
    );
  });

  it('writes the page to stdout that is not a terminal (a pipe or a file)', async () => {
    // Act
    const run = await runCliProcess(
      ['align', PUPPY, '--text-file', PUPPY_TEXT, '--format', 'html'],
      {},
      LIMITS,
    );

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<!doctype html>/);
  });
});
