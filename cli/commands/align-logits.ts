import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { alignTranscript } from '../../shared/align/align-transcript';
import { logSoftmax } from '../../shared/align/log-softmax';
import { loadConfig } from '../../shared/config/app-config';
import { InvalidInputError } from '../../shared/errors';
import { readNpy } from '../../shared/io/npy-reader';
import { buildResult } from '../../shared/output/build-result';
import { renderResult } from '../../shared/output/render';
import { createVocabulary, type ModelTextConfig } from '../../shared/text/vocabulary';
import { type CliCommand, parseCommandArgs, positiveNumberOption } from '../cli-command';
import { readJsonFile, readTextArgument } from '../cli-input';
import { outputFormat } from '../cli-output';

const DEFAULT_FRAME_SEC = 0.02;
const DEFAULT_SAMPLE_RATE = 16_000;

/** `align-logits`: aligns a transcript against saved raw logits (a .npy of [T, V] or [1, T, V]). */
export const alignLogitsCommand: CliCommand = {
  summary: 'aligns a transcript against saved raw logits (.npy), no model needed',
  usage:
    '<logits.npy> --vocab <vocab.json> (--text "..." | --text-file F) [--config config.json] ' +
    '[--format json|textgrid|vtt|srt|ctm] [--frame-sec 0.02] [--star]',
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, {
      vocab: { type: 'string' },
      config: { type: 'string' },
      text: { type: 'string' },
      'text-file': { type: 'string' },
      format: { type: 'string' },
      'frame-sec': { type: 'string' },
      star: { type: 'boolean' },
    });
    const settings = loadConfig(env);
    const [logitsPath, ...extra] = positionals;
    if (logitsPath === undefined || extra.length > 0) {
      throw new InvalidInputError('align-logits takes exactly one logits file (.npy)');
    }
    if (values.vocab === undefined) throw new InvalidInputError('--vocab <vocab.json> is required');
    const format = outputFormat(values.format, undefined, io);
    const frameSec = positiveNumberOption('frame-sec', values['frame-sec'], DEFAULT_FRAME_SEC);
    const text = await readTextArgument(values.text, values['text-file']);

    const tokenToId = await readJsonFile<Record<string, number>>(values.vocab, 'vocabulary');
    const modelConfig =
      values.config === undefined ? {} : await readJsonFile<ModelConfigFile>(values.config, 'model config');
    const vocabulary = createVocabulary(tokenToId, modelConfig);
    const logits = readNpy(new Uint8Array(await readFile(logitsPath)));
    const [frames, vocab] = logitsShape(logits.shape);
    if (vocab !== vocabulary.size) {
      throw new InvalidInputError(
        `logits have ${vocab} columns but the vocabulary has ${vocabulary.size} tokens: expected shape [T, ${vocabulary.size}]`,
      );
    }

    const started = performance.now();
    const logProbs = logSoftmax(logits.data, frames, vocab);
    const durationSec = frames * frameSec;
    const alignment = alignTranscript(logProbs, text, {
      vocabulary,
      frameSec,
      durationSec,
      robust: settings.robustMode,
      confidenceWeighting: settings.confidenceWeighting,
      star: values.star === true,
      timingCorrection: modelConfig.timing_correction && {
        startSec: modelConfig.timing_correction.start_sec ?? 0,
        endSec: modelConfig.timing_correction.end_sec ?? 0,
      },
    });
    const result = buildResult({
      mode: 'align',
      source: { path: logitsPath },
      audio: {
        durationSec: round3(durationSec),
        sampleRate: DEFAULT_SAMPLE_RATE,
        channels: 1,
        format: 'npy-logits',
      },
      model: { name: basename(logitsPath), backend: 'cpu', quantized: false, frameSec },
      text,
      alignment,
      timings: { downloadMs: 0, inferenceMs: 0, alignMs: performance.now() - started },
    });
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(renderResult(result, format));
  },
};

interface ModelConfigFile extends ModelTextConfig {
  timing_correction?: { start_sec?: number; end_sec?: number };
}

function logitsShape(shape: readonly number[]): [number, number] {
  const [first, second, third, ...rest] = shape;
  if (first !== undefined && second !== undefined && rest.length === 0) {
    if (third === undefined) return [first, second];
    if (first === 1) return [second, third];
  }
  throw new InvalidInputError(`logits must have shape [T, V] or [1, T, V], got [${shape.join(', ')}]`);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
