import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KeyedQueue } from '../../shared/concurrency/keyed-queue';
import { loadConfig } from '../../shared/config/app-config';
import { AlignError, type ErrorCode, InternalError, InvalidInputError } from '../../shared/errors';
import { type FolderEntry, FolderStore } from '../../shared/folder/folder-store';
import type { AcousticModel } from '../../shared/inference/acoustic-model';
import { bundledModelDir } from '../../shared/model/bundled-model';
import { loadModelSpec } from '../../shared/model/model-spec';
import { parseFormats } from '../../shared/output/render';
import type { ActivityLayout } from '../../shared/pipeline/activity-layout';
import type { ActivityOutcome } from '../../shared/pipeline/activity-outcome';
import { type ActivitySettings, folderActivitySettings } from '../../shared/pipeline/activity-settings';
import { AUDIO_EXTENSIONS, hasAudioExtension } from '../../shared/pipeline/input-extensions';
import { type ObjectContext, processObject } from '../../shared/pipeline/object-activities';
import type { ActivityTelemetry } from '../../shared/telemetry/activity-metrics';
import type { PipelineLog } from '../../shared/telemetry/pipeline-logger';
import { type CliCommand, type CliIo, parseCommandArgs } from '../cli-command';
import { checkOutputFolder, requireFolder } from '../cli-output';
import { closeCliModel, openCliModel } from '../open-model';
import { formatClock } from '../progress-bar';
import { type FileOutcome, ProgressReporter } from '../progress-reporter';

/** Without --format: the JSON document and the viewer page, the two things a person opens first. */
const DEFAULT_FORMATS = 'json,html';
/** The folder store's names for the input folder and the results folder (the same folder without --out). */
const INPUT = 'input';
const RESULTS = 'results';

/** A person follows the progress lines and the summary; the pipeline's JSON log and metrics are for Lambda. */
const NO_LOG: PipelineLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const NO_METRICS: ActivityTelemetry = { succeeded: () => undefined, failed: () => undefined };

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

/**
 * `align-dir`: aligns every audio file under a folder with its sidecar transcript, resumably, through the same
 * pipeline as the S3 activities (a folder store, the folder layout of `<name>.align.<ext>` results).
 */
export const alignDirCommand: CliCommand = {
  summary: 'aligns every audio file under a folder with its sidecar transcript, resumably',
  usage: '<dir> [--model DIR] [--quantize] [--format json,html,...] [--out DIR] [--force] [--jobs N]',
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [dir, ...extra] = positionals;
    if (dir === undefined || extra.length > 0) throw new InvalidInputError('give exactly one folder');
    const jobs = positiveInteger('jobs', values.jobs, 1);
    const formats = parseFormats(values.format ?? DEFAULT_FORMATS);
    const config = loadConfig(env);
    const root = resolve(dir);
    await requireFolder(root);
    if (values.out !== undefined) await checkOutputFolder(values.out);
    const store = new FolderStore({
      [INPUT]: root,
      [RESULTS]: values.out === undefined ? root : resolve(values.out),
    });
    const files = (await store.list(INPUT)).filter((file) => hasAudioExtension(file.key));
    if (files.length === 0) {
      io.stderr.write(
        `no audio files (${AUDIO_EXTENSIONS.map((ext) => `.${ext}`).join(', ')}) under ${root}\n`,
      );
    }
    const summary = await alignFiles(files, {
      store,
      settings: folderActivitySettings(config, formats, RESULTS),
      jobs,
      force: values.force === true,
      io,
      openModel: async () =>
        openCliModel(
          await loadModelSpec(values.model ?? bundledModelDir()),
          values.quantize === true,
          config,
          io,
        ),
    });
    io.stdout.write(formatSummary(summary));
    const [first] = summary.failed;
    if (first !== undefined) {
      throw new FilesFailedError(
        first.code,
        `${summary.failed.length} of ${files.length} files failed (first: ${first.name}, ${first.code}); ` +
          'each failed file has a <name>.error.json with the reason where its results would be',
      );
    }
  },
};

interface BatchOptions {
  store: FolderStore;
  settings: ActivitySettings;
  jobs: number;
  force: boolean;
  io: CliIo;
  /** Opened once, before the first file, so a bad model fails the command rather than every file. */
  openModel: () => Promise<AcousticModel>;
}

/** What a batch did, for the summary table and the exit code. */
interface BatchSummary {
  files: number;
  ok: number;
  skipped: number;
  failed: { name: string; code: ErrorCode }[];
  audioSec: number;
  wallMs: number;
}

async function alignFiles(files: FolderEntry[], options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const reporter = new ProgressReporter(
    options.io.stderr,
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
  const model = await options.openModel();
  const { store, settings } = options;
  const context: ObjectContext = {
    store,
    model: async () => model,
    handoff: undefined,
    log: NO_LOG,
    settings,
    backend: model.backend,
    progress: {
      started: (key, bytes) => reporter.fileStarted(key, bytes),
      advanced: (key, fraction) => reporter.fileProgress(key, fraction),
    },
    telemetry: NO_METRICS,
    queue: new KeyedQueue(),
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let file = files[next++]; file !== undefined; file = files[next++]) {
      const fileStarted = performance.now();
      const [outcome] = await processObject(
        context,
        { bucket: INPUT, key: file.key, size: file.size, etag: undefined },
        { delivery: 1, force: options.force, backend: undefined },
      );
      // An audio file runs exactly one activity, so it has exactly one outcome.
      if (outcome === undefined) throw new InternalError(`${file.key} ran no activity`);
      if (outcome.status === 'succeeded') {
        await clearStaleFailure(store, settings.layout, file.key);
        summary.ok++;
        summary.audioSec += outcome.result.audio.durationSec;
      } else if (outcome.status === 'failed') {
        summary.failed.push({ name: file.key, code: outcome.error.code });
      } else {
        summary.skipped++;
      }
      reporter.fileFinished(file.key, file.size, fileOutcome(outcome, performance.now() - fileStarted));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.jobs, files.length) }, worker));
  } finally {
    closeCliModel(model);
  }
  reporter.finish();
  summary.wallMs = performance.now() - started;
  return summary;
}

/** A file's activity as the progress lines show it; a folder hands nothing off, so the rest is up to date. */
function fileOutcome(outcome: ActivityOutcome, wallMs: number): FileOutcome {
  switch (outcome.status) {
    case 'succeeded':
      return {
        status: 'ok',
        audioSec: outcome.result.audio.durationSec,
        wallMs,
        warnings: outcome.result.warnings,
      };
    case 'failed': {
      const lost = outcome.failureKey === undefined ? ' (its <name>.error.json could not be written)' : '';
      return {
        status: 'failed',
        audioSec: 0,
        wallMs,
        detail: `${outcome.error.code}: ${outcome.error.message}${lost}`,
      };
    }
    default:
      return { status: 'skipped', audioSec: 0, wallMs: 0 };
  }
}

/** A file that now succeeds loses the error record of an earlier run, which would only mislead. */
async function clearStaleFailure(store: FolderStore, layout: ActivityLayout, key: string): Promise<void> {
  const classified = layout.classify(key);
  if (classified.kind === 'audio') await store.delete(RESULTS, layout.failureKey(classified));
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
  const widths = header.map((cell, i) => Math.max(cell.length, row[i]?.length ?? 0));
  const line = (cells: string[]): string =>
    `${cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + line(row);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidInputError(`--${name} must be a positive whole number, got "${value}"`);
  }
  return parsed;
}
