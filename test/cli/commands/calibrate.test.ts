/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CalibrationFigures, CalibrationReport } from '../../../cli/calibration-report';
import { runCli } from '../../../cli/run-cli';
import { DEMO_MODEL_DIR, SAMPLES_DIR, type SampleTruth, sampleTruth } from '../../helpers/demo-model';

const SAMPLES = ['blue-notebook', 'harbor-1999', 'puppy-tail', 'quiet-rivers', 'well-known-sailor'];

function buffers() {
  const sink = () => ({
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  });
  return { stdout: sink(), stderr: sink() };
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `w2v2-calibrate-${prefix}-`));
}

/** A copy of the demo model, so that calibrate may write its config.json. */
function modelCopy(): string {
  const dir = tempDir('model');
  cpSync(DEMO_MODEL_DIR, dir, { recursive: true });
  return dir;
}

/** The samples' audio with their transcripts and truth files, as `<name>.truth.json`, or shifted. */
function samplesFolder(shiftSec = 0): string {
  const dir = tempDir('samples');
  for (const name of SAMPLES) {
    for (const ext of ['wav', 'txt'])
      copyFileSync(join(SAMPLES_DIR, `${name}.${ext}`), join(dir, `${name}.${ext}`));
    const truth = sampleTruth(name);
    const words = truth.words.map((w) => ({ ...w, start: w.start + shiftSec, end: w.end + shiftSec }));
    writeFileSync(join(dir, `${name}.truth.json`), JSON.stringify({ ...truth, words }));
  }
  return dir;
}

/** A Praat long-format TextGrid of a truth file: a "words" tier with silence between words, and a phones tier. */
function textGridOf(truth: SampleTruth, durationSec: number): string {
  const intervals: [number, number, string][] = [];
  let at = 0;
  for (const word of truth.words) {
    if (word.start > at) intervals.push([at, word.start, '']);
    intervals.push([word.start, word.end, word.word]);
    at = word.end;
  }
  intervals.push([at, durationSec, '']);
  const tier = (name: string, items: [number, number, string][]): string[] => [
    '        class = "IntervalTier" ',
    `        name = "${name}" `,
    '        xmin = 0 ',
    `        xmax = ${durationSec} `,
    `        intervals: size = ${items.length} `,
    ...items.flatMap(([xmin, xmax, text], i) => [
      `        intervals [${i + 1}]:`,
      `            xmin = ${xmin} `,
      `            xmax = ${xmax} `,
      `            text = "${text}" `,
    ]),
  ];
  return [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0 ',
    `xmax = ${durationSec} `,
    'tiers? <exists> ',
    'size = 2 ',
    'item []: ',
    '    item [1]:',
    ...tier('phones', [[0, durationSec, 'AH']]),
    '    item [2]:',
    ...tier('words', intervals),
    '',
  ].join('\n');
}

/** WAV duration from the header's data size (16-bit PCM). */
function wavDurationSec(path: string): number {
  const bytes = readFileSync(path);
  const channels = bytes.readUInt16LE(22);
  const rate = bytes.readUInt32LE(24);
  return (bytes.length - 44) / (2 * channels * rate);
}

async function calibrate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = buffers();
  const code = await runCli(['calibrate', ...args], {}, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

async function calibrateJson(folder: string, model: string, ...more: string[]): Promise<CalibrationReport> {
  const run = await calibrate([folder, '--model', model, '--json', ...more]);
  if (run.code !== 0) throw new Error(`calibrate exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as CalibrationReport;
}

/** The mean absolute error over starts and ends together. */
function meanError(figures: CalibrationFigures, when: 'before' | 'after'): number {
  const { starts, ends } = figures[when];
  return (starts.meanSec * starts.count + ends.meanSec * ends.count) / (starts.count + ends.count);
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('w2v2-align calibrate', () => {
  it('fits a correction on the samples that lowers their boundary error and writes it into config.json', async () => {
    // Prepare
    const model = modelCopy();
    const original = readJson(join(model, 'config.json'));
    const files = readdirSync(model).sort();

    // Act
    const report = await calibrateJson(samplesFolder(), model);

    // Assess
    expect(report.files.map((file) => [file.audio, file.matched, file.words])).toEqual(
      SAMPLES.map((name) => [`${name}.wav`, sampleTruth(name).words.length, sampleTruth(name).words.length]),
    );
    expect(report.current).toEqual({ startSec: 0, endSec: 0.052 });
    expect(meanError(report.all, 'after')).toBeLessThanOrEqual(meanError(report.all, 'before'));
    expect(report.all.after.ends.within50ms).toBeGreaterThanOrEqual(report.all.before.ends.within50ms);
    expect(report.written).toBe(true);
    const { timing_correction: written, ...rest } = readJson(join(model, 'config.json'));
    const { timing_correction: _old, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
    expect(Object.keys(readJson(join(model, 'config.json')))).toEqual(Object.keys(original));
    expect(written).toEqual({ start_sec: report.fitted.startSec, end_sec: report.fitted.endSec });
    expect(readdirSync(model).sort()).toEqual(files);
  });

  it('with --dry-run prints the table and the correction and leaves the model directory alone', async () => {
    // Prepare
    const model = modelCopy();
    const config = join(model, 'config.json');
    const before = {
      bytes: readFileSync(config),
      mtimeMs: statSync(config).mtimeMs,
      files: readdirSync(model),
    };

    // Act
    const run = await calibrate([samplesFolder(), '--model', model, '--dry-run']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^file +words +boundary +mean ms +median ms +within 20 ms +within 50 ms$/m);
    expect(run.stdout).toMatch(/^puppy-tail\.wav +10\/10 +starts +\d+\.\d -> \d+\.\d /m);
    expect(run.stdout).toMatch(/^all files +49\/49 +starts .*\n +ends +\d+\.\d -> \d+\.\d /m);
    expect(run.stdout).toMatch(
      /^correction: start \+0\.000 -> [-+]0\.\d{3} s, end \+0\.052 -> [-+]0\.\d{3} s$/m,
    );
    expect(run.stdout).toContain(`--dry-run: ${config} not changed`);
    expect(run.stderr).toMatch(/^\[1\/5\] blue-notebook\.wav\n/);
    expect(readFileSync(config)).toEqual(before.bytes);
    expect(statSync(config).mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(model)).toEqual(before.files);
  });

  it('fits the same correction again once it is written, its before and after then alike', async () => {
    // Prepare
    const model = modelCopy();
    const folder = samplesFolder();
    const first = await calibrateJson(folder, model);

    // Act
    const second = await calibrateJson(folder, model);

    // Assess
    expect(second.current).toEqual(first.fitted);
    expect(Math.abs(second.fitted.startSec - first.fitted.startSec)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(second.fitted.endSec - first.fitted.endSec)).toBeLessThanOrEqual(0.001);
    expect(second.all.after.starts.meanSec).toBeCloseTo(second.all.before.starts.meanSec, 3);
    expect(second.all.after.ends.meanSec).toBeCloseTo(second.all.before.ends.meanSec, 3);
  });

  it('reads the words tier of a TextGrid, the transcript from its words, to the same fit as the truth files', async () => {
    // Prepare
    const model = modelCopy();
    const grids = tempDir('textgrid');
    for (const name of SAMPLES) {
      const audio = join(SAMPLES_DIR, `${name}.wav`);
      copyFileSync(audio, join(grids, `${name}.wav`));
      writeFileSync(join(grids, `${name}.TextGrid`), textGridOf(sampleTruth(name), wavDurationSec(audio)));
    }
    const fromTruth = await calibrateJson(samplesFolder(), model, '--dry-run');

    // Act
    const fromGrids = await calibrateJson(grids, model, '--dry-run');

    // Assess
    expect(fromGrids.files.map((file) => [file.reference, file.transcript])).toEqual(
      SAMPLES.map((name) => [`${name}.TextGrid`, null]),
    );
    expect(fromGrids.all.matched).toBe(fromTruth.all.matched);
    expect(Math.abs(fromGrids.fitted.startSec - fromTruth.fitted.startSec)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(fromGrids.fitted.endSec - fromTruth.fitted.endSec)).toBeLessThanOrEqual(0.001);
  });

  it('refuses references 0.5 s late as out of range and writes nothing', async () => {
    // Prepare
    const model = modelCopy();
    const config = readFileSync(join(model, 'config.json'));

    // Act
    const run = await calibrate([samplesFolder(0.5), '--model', model]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error ALIGNMENT_IMPOSSIBLE: the fitted start correction, \+0\.[45]\d\d s, is at or beyond the ±0\.2 s a model is plausibly biased by; check that the reference times count from the start of these audio files$/m,
    );
    expect(run.stdout).toBe('');
    expect(readFileSync(join(model, 'config.json'))).toEqual(config);
  });

  it('refuses a folder without references as a usage error', async () => {
    // Prepare
    const folder = tempDir('no-pairs');
    for (const ext of ['wav', 'txt'])
      copyFileSync(join(SAMPLES_DIR, `puppy-tail.${ext}`), join(folder, `puppy-tail.${ext}`));

    // Act
    const run = await calibrate([folder, '--model', modelCopy()]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error INVALID_INPUT: no audio file (.wav, .flac, .mp3, .ogg, .opus) under ${folder} has a reference beside it`,
    );
    expect(run.stderr).toContain('usage: w2v2-align calibrate <folder> --model DIR');
  });

  it('refuses a reference of another recording before reading any audio, naming it', async () => {
    // Prepare
    const folder = samplesFolder();
    copyFileSync(join(SAMPLES_DIR, 'blue-notebook.truth.json'), join(folder, 'puppy-tail.truth.json'));

    // Act
    const run = await calibrate([folder, '--model', modelCopy()]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error INVALID_INPUT: puppy-tail\.truth\.json: its words are not the transcript's in puppy-tail\.txt: \d of its 10 words and of the transcript's 10 pair up, fewer than half$/m,
    );
    expect(run.stderr).not.toContain('[1/5]');
  });

  it('needs the model directory it is to calibrate', async () => {
    const run = await calibrate([samplesFolder()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error INVALID_INPUT: give the model directory to calibrate with --model DIR',
    );
  });
});
