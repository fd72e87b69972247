import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { requireMinScore } from '../../shared/align/alignment-quality';
import { type AppConfig, loadConfig } from '../../shared/config/app-config';
import { InvalidInputError } from '../../shared/errors';
import type { AcousticModel } from '../../shared/inference/acoustic-model';
import { bundledModelDir } from '../../shared/model/bundled-model';
import { loadModelSpec } from '../../shared/model/model-spec';
import { renderResult } from '../../shared/output/render';
import type { OutputFormat } from '../../shared/output/result';
import { relativeHref } from '../../shared/output/viewer/relative-href';
import { runAlignJob } from '../../shared/pipeline/align-job';
import { type CliCommand, type CliIo, parseCommandArgs } from '../cli-command';
import { readTextArgument } from '../cli-input';
import { checkOutputFile, FILE_OUTPUT_NOTES, outputFormat } from '../cli-output';
import { decodeInputAudio } from '../decode-input-audio';
import { closeCliModel, openCliModel } from '../open-model';
import { FileProgressReporter } from '../progress-reporter';

/** Files at least this long report progress on stderr. */
const PROGRESS_MIN_SEC = 60;

const OPTIONS = {
  model: { type: 'string' },
  quantize: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  star: { type: 'boolean' },
  text: { type: 'string' },
  'text-file': { type: 'string' },
  'min-score': { type: 'string' },
} as const;

/** `align`: word timings of a transcript in an audio file, on the CPU model (or Triton with USE_TRITON=true). */
export const alignCommand: CliCommand = {
  summary: 'word timings of a transcript (--text or --text-file) in an audio file',
  notes: [
    ...FILE_OUTPUT_NOTES,
    '--min-score S fails (ALIGNMENT_IMPOSSIBLE, exit 1, nothing written) when the mean word score is below S (0 to 1).',
  ],
  usage:
    '<audio> (--text T | --text-file F) [--model DIR] [--quantize] [--format json|textgrid|vtt|srt|ctm|html] ' +
    '[--out FILE] [--star] [--min-score S]',
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const minScore = minScoreOption(values['min-score']);
    const text = await readTextArgument(values.text, values['text-file']);
    await alignAudio(positionals, { ...values, minScore }, text, loadConfig(env), io);
  },
};

/** `transcribe`: greedy CTC transcript with word timings (no transcript needed). */
export const transcribeCommand: CliCommand = {
  summary: 'greedy CTC transcript of an audio file, with word timings',
  notes: FILE_OUTPUT_NOTES,
  usage: '<audio> [--model DIR] [--quantize] [--format json|textgrid|vtt|srt|ctm|html] [--out FILE]',
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.text !== undefined || values['text-file'] !== undefined) {
      throw new InvalidInputError('transcribe takes no transcript; use `w2v2-align align` to align one');
    }
    if (values['min-score'] !== undefined) throw new InvalidInputError('--min-score applies to align only');
    await alignAudio(positionals, values, undefined, loadConfig(env), io);
  },
};

type AudioOptions = {
  model?: string;
  quantize?: boolean;
  format?: string;
  out?: string;
  star?: boolean;
  minScore?: number | undefined;
};

async function alignAudio(
  positionals: string[],
  values: AudioOptions,
  text: string | undefined,
  config: AppConfig,
  io: CliIo,
): Promise<void> {
  const [audioPath, ...extra] = positionals;
  if (audioPath === undefined || extra.length > 0) throw new InvalidInputError('give exactly one audio file');
  const format = outputFormat(values.format, values.out, io);
  await checkOutputFile(values.out);
  const spec = await loadModelSpec(values.model ?? bundledModelDir());
  const model = await openCliModel(spec, values.quantize === true, config, io);
  try {
    await alignWithModel(audioPath, values, text, format, config, model, io);
  } finally {
    closeCliModel(model);
  }
}

async function alignWithModel(
  audioPath: string,
  values: AudioOptions,
  text: string | undefined,
  format: OutputFormat,
  config: AppConfig,
  model: AcousticModel,
  io: CliIo,
): Promise<void> {
  const { spec } = model;
  const readStarted = performance.now();
  const audio = await decodeInputAudio(audioPath, spec.sampleRate, config);
  const readMs = performance.now() - readStarted;
  const progress =
    audio.info.durationSec >= PROGRESS_MIN_SEC
      ? new FileProgressReporter(io.stderr, audio.info.durationSec)
      : undefined;
  const result = await runAlignJob(
    {
      audio,
      text,
      source: { path: resolve(audioPath) },
      downloadMs: readMs,
      onProgress: progress === undefined ? undefined : (done, total) => progress.update(done, total),
    },
    model,
    {
      robustMode: config.robustMode,
      confidenceWeighting: config.confidenceWeighting,
      star: values.star === true,
    },
  ).finally(() => progress?.finish());
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (values.minScore !== undefined) requireMinScore(result, values.minScore);
  // The viewer page references audio too long to embed relative to where the page is written (stdout: the
  // working directory).
  const pagePath = resolve(values.out ?? 'page.html');
  const rendered = renderResult(result, format, {
    samples: audio.samples,
    sampleRate: audio.sampleRate,
    href: relativeHref(pagePath, resolve(audioPath)),
  });
  if (values.out === undefined) io.stdout.write(rendered);
  else await writeFile(values.out, rendered);
}

/** `--min-score`: a mean word score in [0, 1] below which the alignment fails. */
function minScoreOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) {
    throw new InvalidInputError(`--min-score must be a number from 0 to 1, got "${value}"`);
  }
  return parsed;
}
