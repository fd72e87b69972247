import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AlignmentResult } from '../../shared/output/result';
import { encodeNpy, float16Bytes, float32Bytes } from '../helpers/npy';
import { type PlannedToken, plannedLogits, WAV2VEC2_BASE_VOCAB } from '../helpers/wav2vec2-vocab';

const CLI = join(__dirname, '..', '..', 'bin', 'w2v2-align.js');
const run = promisify(execFile);

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// "HELLO|WORLD": repeated L needs the blank at frame 10 between its two frames.
const HELLO_WORLD: PlannedToken[] = [
  { token: 'H', start: 5, frames: 2 },
  { token: 'E', start: 7, frames: 1 },
  { token: 'L', start: 9, frames: 1 },
  { token: 'L', start: 11, frames: 1 },
  { token: 'O', start: 12, frames: 2 },
  { token: '|', start: 15, frames: 1 },
  { token: 'W', start: 17, frames: 1 },
  { token: 'O', start: 18, frames: 1 },
  { token: 'R', start: 19, frames: 1 },
  { token: 'L', start: 20, frames: 1 },
  { token: 'D', start: 21, frames: 2 },
];
const FRAMES = 30;

function workspace(): { dir: string; vocab: string; logits: string } {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-cli-'));
  const vocab = join(dir, 'vocab.json');
  writeFileSync(vocab, JSON.stringify(WAV2VEC2_BASE_VOCAB));
  const logits = join(dir, 'logits.npy');
  writeFileSync(logits, encodeNpy('<f4', [FRAMES, 32], float32Bytes(plannedLogits(HELLO_WORLD, FRAMES))));
  return { dir, vocab, logits };
}

describe('w2v2-align align-logits', () => {
  it('prints word times taken from the frames each word occupies', async () => {
    // Prepare
    const { vocab, logits } = workspace();

    // Act
    const outcome = await cli(['align-logits', logits, '--vocab', vocab, '--text', 'Hello, world!']);

    // Assess
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as AlignmentResult;
    expect(result.version).toBe(1);
    expect(result.mode).toBe('align');
    expect(result.words.map((w) => [w.word, w.normalized, w.start, w.end, w.aligned])).toEqual([
      ['Hello,', 'HELLO', 0.1, 0.28, true],
      ['world!', 'WORLD', 0.34, 0.46, true],
    ]);
    expect(result.chars.map((c) => c.char).join('')).toBe('HELLOWORLD');
    expect(result.words.every((w) => w.score > 0.9)).toBe(true);
    expect(result.stats).toMatchObject({ wordsTotal: 2, wordsAligned: 2, wordsUnaligned: 0 });
    expect(result.audio.durationSec).toBeCloseTo(0.6, 6);
  });

  it('reads float16 logits shaped [1, T, V] to the same times', async () => {
    // Prepare
    const { dir, vocab } = workspace();
    const half = join(dir, 'half.npy');
    writeFileSync(half, encodeNpy('<f2', [1, FRAMES, 32], float16Bytes(plannedLogits(HELLO_WORLD, FRAMES))));

    // Act
    const outcome = await cli(['align-logits', half, '--vocab', vocab, '--text', 'hello world']);

    // Assess
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as AlignmentResult;
    expect(result.words.map((w) => [w.start, w.end])).toEqual([
      [0.1, 0.28],
      [0.34, 0.46],
    ]);
  });

  it('scales times by --frame-sec', async () => {
    const { vocab, logits } = workspace();

    const outcome = await cli([
      'align-logits',
      logits,
      '--vocab',
      vocab,
      '--text',
      'hello world',
      '--frame-sec',
      '0.04',
    ]);

    const result = JSON.parse(outcome.stdout) as AlignmentResult;
    expect(result.words[0]).toMatchObject({ start: 0.2, end: 0.56 });
    expect(result.model.frameSec).toBe(0.04);
  });

  it.each([
    ['textgrid', /^File type = "ooTextFile"\nObject class = "TextGrid"/],
    ['vtt', /^WEBVTT\n/],
    ['srt', /^1\n00:00:00,100 --> /],
    ['ctm', /^\S+ 1 0\.100 0\.180 Hello, /],
  ])('renders --format %s', async (format, expected) => {
    const { vocab, logits } = workspace();

    const outcome = await cli([
      'align-logits',
      logits,
      '--vocab',
      vocab,
      '--text',
      'Hello, world!',
      '--format',
      format,
    ]);

    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(expected);
  });

  it('lets --star absorb speech the transcript leaves out', async () => {
    // Prepare: the audio says "hello um world", the transcript only "hello world".
    const { dir, vocab } = workspace();
    const plan: PlannedToken[] = [
      ...HELLO_WORLD.slice(0, 6),
      { token: 'U', start: 17, frames: 1 },
      { token: 'M', start: 18, frames: 1 },
      { token: '|', start: 20, frames: 1 },
      ...HELLO_WORLD.slice(6).map((t) => ({ ...t, start: t.start + 5 })),
    ];
    const extra = join(dir, 'extra.npy');
    writeFileSync(extra, encodeNpy('<f4', [FRAMES + 5, 32], float32Bytes(plannedLogits(plan, FRAMES + 5))));

    // Act
    const withStar = await cli(['align-logits', extra, '--vocab', vocab, '--text', 'hello world', '--star']);

    // Assess
    const starred = JSON.parse(withStar.stdout) as AlignmentResult;
    expect(starred.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['hello', 0.1, 0.28],
      ['world', 0.44, 0.56],
    ]);
    expect(starred.chars.map((c) => c.char).join('')).toBe('HELLOWORLD');
  });

  it('fails with ALIGNMENT_IMPOSSIBLE when the audio is too short for the text', async () => {
    const { vocab, logits } = workspace();

    const outcome = await cli(['align-logits', logits, '--vocab', vocab, '--text', 'hello world '.repeat(5)]);

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^error ALIGNMENT_IMPOSSIBLE: .*needs at least \d+ frames.* has 30\n$/);
  });

  it('skips unknown characters with a warning, and fails on them when robust mode is off', async () => {
    // Prepare
    const { vocab, logits } = workspace();
    const args = ['align-logits', logits, '--vocab', vocab, '--text', 'hello worøld'];

    // Act
    const robust = await cli(args);
    const strict = await cli(args, { DECODER_ROBUST_MODE: 'false' });

    // Assess
    expect(robust.code).toBe(0);
    expect(robust.stderr).toContain('warning:');
    expect((JSON.parse(robust.stdout) as AlignmentResult).stats.skippedTokens).toEqual(['Ø']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error UNKNOWN_TOKENS: .*"Ø"/);
  });

  it.each([
    [['align-logits', 'x.npy', '--text', 'a'], /--vocab <vocab.json> is required/],
    [['align-logits', 'x.npy', '--vocab', 'v.json'], /exactly one of --text/],
    [['align-logits', '--bogus'], /unknown option --bogus/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('reports usage errors with exit code 2 for %j', async (args, message) => {
    const outcome = await cli(args);

    expect(outcome.code).toBe(2);
    expect(outcome.stderr.split('\n')[0]).toMatch(/^error INVALID_INPUT: /);
    expect(outcome.stderr).toMatch(message);
  });

  it('refuses logits whose width does not match the vocabulary', async () => {
    const { dir, vocab } = workspace();
    const narrow = join(dir, 'narrow.npy');
    writeFileSync(narrow, encodeNpy('<f4', [10, 8], float32Bytes(new Float32Array(80))));

    const outcome = await cli(['align-logits', narrow, '--vocab', vocab, '--text', 'a']);

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('expected shape [T, 32]');
  });
});
