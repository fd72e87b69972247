import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { type AppConfig, loadConfig } from '../../shared/config/app-config';
import { AlignError, type ErrorCode, InvalidInputError, toAlignError } from '../../shared/errors';
import type { AcousticModel } from '../../shared/inference/onnx-acoustic-model';
import { bundledModelDir } from '../../shared/model/bundled-model';
import { loadModelSpec } from '../../shared/model/model-spec';
import { formatExtension, parseFormats, renderResult } from '../../shared/output/render';
import type { AlignmentResult, OutputFormat, ResultSource } from '../../shared/output/result';
import { relativeHref } from '../../shared/output/viewer/relative-href';
import { parseActivityDescriptor } from '../../shared/pipeline/activity-descriptor';
import { runAlignJob } from '../../shared/pipeline/align-job';
import { type CliCommand, parseCommandArgs } from '../cli-command';
import { closeCliModel, openCliModel } from '../open-model';
import { formatClock } from '../progress-bar';
import { type FileOutcome, ProgressReporter, type ProgressStream } from '../progress-reporter';

const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg']);
/** Without --format: the JSON document and the viewer page, the two things a person opens first. */
const DEFAULT_FORMATS = 'json,html';
/** Results are `<name>.align.<ext>`, so they never collide with a `<name>.json` descriptor beside the audio. */
const RESULT_INFIX = '.align';

const OPTIONS = {
  model: { type: 'string' },
  quantize: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  jobs: { type: 'string' },
} as const;

/** Some files of a batch failed; the others were written. Its code is the first failure's. */
export class FilesFailedError extends AlignError {
  public constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'FilesFailedError';
  }
}

/** `align-dir`: aligns every audio file under a folder with its sidecar transcript; resumable. */
export const alignDirCommand: CliCommand = {
  usage: '<dir> [--model DIR] [--quantize] [--format json,html,...] [--out DIR] [--force] [--jobs N]',
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [dir, ...extra] = positionals;
    if (dir === undefined || extra.length > 0) throw new InvalidInputError('give exactly one folder');
    const jobs = positiveInteger('jobs', values.jobs, 1);
    const formats = withJson(parseFormats(values.format ?? DEFAULT_FORMATS));
    const config = loadConfig(env);
    const root = resolve(dir);
    const files = await findAudioFiles(root);
    if (files.length === 0)
      io.stderr.write(`no audio files (${[...AUDIO_EXTENSIONS].join(', ')}) under ${root}\n`);
    const outRoot = values.out === undefined ? root : resolve(values.out);
    const summary = await alignFiles(files, {
      root,
      outRoot,
      formats,
      force: values.force === true,
      jobs,
      config,
      openModel: async () =>
        openCliModel(
          await loadModelSpec(values.model ?? bundledModelDir()),
          values.quantize === true,
          config,
          io,
        ),
      progress: io.stderr,
    });
    io.stdout.write(formatSummary(summary));
    if (summary.failed.length > 0) {
      const [first] = summary.failed;
      throw new FilesFailedError(
        first!.code,
        `${summary.failed.length} of ${files.length} files failed (first: ${first!.name}, ${first!.code}); ` +
          'each failed file has a <name>.error.json with the reason where its results would be',
      );
    }
  },
};

/** An audio file found under the folder. */
interface AudioFile {
  path: string;
  /** Path relative to the folder, with `/` separators, for messages. */
  name: string;
  size: number;
  mtimeMs: number;
}

/** A sidecar transcript: `<name>.json` descriptor first, then `<name>.txt` (SPEC §3 order). */
interface Sidecar {
  text: string;
  path: string;
  size: number;
  mtimeMs: number;
  formats: OutputFormat[] | undefined;
}

interface BatchOptions {
  root: string;
  outRoot: string;
  formats: OutputFormat[];
  force: boolean;
  jobs: number;
  config: AppConfig;
  /** Opened once, before the first file, so a bad model fails the command rather than every file. */
  openModel: () => Promise<AcousticModel>;
  progress: ProgressStream;
}

/** What a batch did, for the summary table and the exit code. */
interface BatchSummary {
  files: number;
  ok: number;
  skipped: number;
  failed: { name: string; code: ErrorCode; message: string }[];
  audioSec: number;
  wallMs: number;
}

/** Every wav/flac/mp3/ogg file under `root` (any depth), sorted by path. */
async function findAudioFiles(root: string): Promise<AudioFile[]> {
  const info = await stat(root).catch(() => undefined);
  if (info?.isDirectory() !== true) throw new InvalidInputError(`"${root}" is not a folder`);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile() && AUDIO_EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(
    paths.map(async (path) => {
      const { size, mtimeMs } = await stat(path);
      return { path, name: relative(root, path).split('\\').join('/'), size, mtimeMs };
    }),
  );
}

async function alignFiles(files: AudioFile[], options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const reporter = new ProgressReporter(
    options.progress,
    files.length,
    files.reduce((sum, file) => sum + file.size, 0),
  );
  const summary: BatchSummary = {
    files: files.length,
    ok: 0,
    skipped: 0,
    failed: [],
    audioSec: 0,
    wallMs: 0,
  };
  if (files.length === 0) return summary;
  const context = { ...options, model: await options.openModel() };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const outcome = await alignOne(file, context, reporter);
      reporter.fileFinished(file.name, file.size, outcome);
      if (outcome.status === 'ok') {
        summary.ok++;
        summary.audioSec += outcome.audioSec;
      } else if (outcome.status === 'skipped') {
        summary.skipped++;
      } else {
        summary.failed.push({
          name: file.name,
          code: outcome.code ?? 'INTERNAL',
          message: outcome.detail ?? '',
        });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.jobs, files.length) }, worker));
  } finally {
    closeCliModel(context.model);
  }
  reporter.finish();
  summary.wallMs = performance.now() - started;
  return summary;
}

type AlignOutcome = FileOutcome & { code?: ErrorCode };

async function alignOne(
  file: AudioFile,
  context: BatchOptions & { model: AcousticModel },
  reporter: ProgressReporter,
): Promise<AlignOutcome> {
  const base = join(context.outRoot, relative(context.root, file.path).slice(0, -extname(file.path).length));
  const started = performance.now();
  let source: ResultSource = { path: file.path, size: file.size, mtimeMs: file.mtimeMs };
  try {
    const sidecar = await findSidecar(file.path);
    source = { ...source, ...sidecarSource(sidecar) };
    const formats = sidecar?.formats === undefined ? context.formats : withJson(sidecar.formats);
    const { model } = context;
    if (!context.force && (await isUpToDate(base, source, formats, model))) {
      return { status: 'skipped', audioSec: 0, wallMs: 0 };
    }
    reporter.fileStarted(file.name, file.size);
    const audio = await decodeAudioFile(file.path, {
      targetSampleRate: model.spec.sampleRate,
      maxDurationSec: context.config.maxAudioDurationSec,
      timeoutMs: context.config.audioReadTimeoutSec * 1000,
      streamThresholdBytes: context.config.audioStreamThresholdBytes,
      formatHint: extname(file.path).slice(1),
    });
    const result = await runAlignJob(
      {
        audio,
        text: sidecar?.text,
        source,
        downloadMs: performance.now() - started,
        onProgress: (done, total) => reporter.fileProgress(file.name, done / Math.max(1, total)),
      },
      model,
      {
        robustMode: context.config.robustMode,
        confidenceWeighting: context.config.confidenceWeighting,
        star: false,
      },
    );
    await writeResults(base, result, formats, {
      samples: audio.samples,
      sampleRate: audio.sampleRate,
      href: relativeHref(`${base}${RESULT_INFIX}.html`, file.path),
    });
    await rm(`${base}.error.json`, { force: true });
    return { status: 'ok', audioSec: audio.info.durationSec, wallMs: performance.now() - started };
  } catch (error) {
    const failure = toAlignError(error);
    await mkdir(dirname(base), { recursive: true });
    const record = {
      error: { code: failure.code, message: failure.message },
      source,
      at: new Date().toISOString(),
    };
    await writeFile(`${base}.error.json`, `${JSON.stringify(record, null, 2)}\n`);
    return {
      status: 'failed',
      audioSec: 0,
      wallMs: performance.now() - started,
      detail: `${failure.code}: ${failure.message}`,
      code: failure.code,
    };
  }
}

async function findSidecar(audioPath: string): Promise<Sidecar | undefined> {
  const stem = audioPath.slice(0, -extname(audioPath).length);
  for (const extension of ['.json', '.txt']) {
    const path = `${stem}${extension}`;
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new InvalidInputError(`cannot read transcript "${path}": ${error.code ?? error.message}`);
    });
    if (bytes === undefined) continue;
    const { size, mtimeMs } = await stat(path);
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    if (extension === '.txt') return { text, path, size, mtimeMs, formats: undefined };
    const descriptor = parseActivityDescriptor(text, path);
    return { text: descriptor.text, path, size, mtimeMs, formats: descriptor.formats };
  }
  return undefined;
}

function sidecarSource(sidecar: Sidecar | undefined): Partial<ResultSource> {
  if (sidecar === undefined) return {};
  return { transcriptPath: sidecar.path, transcriptSize: sidecar.size, transcriptMtimeMs: sidecar.mtimeMs };
}

/**
 * Up to date: the JSON result exists, was computed from the same audio and transcript (size and mtime),
 * with the same model and quantization, and every asked-for format file exists.
 */
async function isUpToDate(
  base: string,
  source: ResultSource,
  formats: readonly OutputFormat[],
  model: AcousticModel,
): Promise<boolean> {
  const json = await readFile(resultPath(base, 'json'), 'utf8').catch(() => undefined);
  if (json === undefined) return false;
  let previous: AlignmentResult;
  try {
    previous = JSON.parse(json) as AlignmentResult;
  } catch {
    return false;
  }
  const was = previous.source ?? {};
  const same =
    was.size === source.size &&
    was.mtimeMs === source.mtimeMs &&
    was.transcriptPath === source.transcriptPath &&
    was.transcriptSize === source.transcriptSize &&
    was.transcriptMtimeMs === source.transcriptMtimeMs &&
    previous.model?.name === model.spec.name &&
    previous.model?.quantized === model.quantized;
  if (!same) return false;
  const present = await Promise.all(
    formats.map((format) =>
      stat(resultPath(base, format)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return present.every(Boolean);
}

function resultPath(base: string, format: OutputFormat): string {
  return `${base}${RESULT_INFIX}${formatExtension(format)}`;
}

/** Writes the formats, the JSON last: it marks the result complete for the next run's up-to-date check. */
async function writeResults(
  base: string,
  result: AlignmentResult,
  formats: readonly OutputFormat[],
  audio: Parameters<typeof renderResult>[2],
): Promise<void> {
  await mkdir(dirname(base), { recursive: true });
  for (const format of formats.filter((f) => f !== 'json')) {
    await writeFile(resultPath(base, format), renderResult(result, format, audio));
  }
  await writeFile(resultPath(base, 'json'), renderResult(result, 'json'));
}

/** The summary table printed after the run. */
function formatSummary(summary: BatchSummary): string {
  const processingSec = summary.wallMs / 1000;
  const rtf = summary.audioSec > 0 ? (processingSec / summary.audioSec).toFixed(3) : '-';
  const header = ['files', 'ok', 'failed', 'skipped', 'audio', 'wall', 'RTF'];
  const row = [
    String(summary.files),
    String(summary.ok),
    String(summary.failed.length),
    String(summary.skipped),
    formatClock(summary.audioSec),
    `${processingSec.toFixed(1)} s`,
    rtf,
  ];
  const widths = header.map((cell, i) => Math.max(cell.length, row[i]!.length));
  const line = (cells: string[]): string =>
    `${cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + line(row);
}

function withJson(formats: OutputFormat[]): OutputFormat[] {
  return formats.includes('json') ? formats : ['json', ...formats];
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidInputError(`--${name} must be a positive whole number, got "${value}"`);
  }
  return parsed;
}
