import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TimingCorrection } from '../align/timing-fit';
import { AlignError } from '../errors';
import { createVocabulary, type ModelTextConfig, type Vocabulary } from '../text/vocabulary';
import {
  CONFIG_FILE,
  type MergedSetting,
  type ModelSettings,
  readModelJson,
  readModelSettings,
} from './model-settings';
import { INT8_VARIANTS } from './quantize/int8-variant';

/** One convolution of the feature extractor: how many samples it reads and how far it moves. */
export interface ConvLayer {
  kernel: number;
  stride: number;
}

/** Everything the pipeline needs to know about a model directory (docs/model-directory.md). */
export interface ModelSpec {
  name: string;
  dir: string;
  onnxPath: string;
  /** `model.int8.onnx` when the directory ships a pre-quantized copy. */
  int8Path: string | undefined;
  sampleRate: number;
  doNormalize: boolean;
  /** Feature-extractor geometry; frames = output length of these convolutions without padding. */
  convLayers: readonly ConvLayer[];
  samplesPerFrame: number;
  frameSec: number;
  vocabulary: Vocabulary;
  /** Per-model correction added to word starts/ends (calibrated on a development set); zero when absent. */
  timingCorrection: TimingCorrection;
}

/** The settings this project reads (Hugging Face names, plus `timing_correction`), merged from the folder's files. */
interface ModelConfigFile extends ModelTextConfig {
  name?: unknown;
  sampling_rate?: unknown;
  do_normalize?: unknown;
  conv_kernel?: unknown;
  conv_stride?: unknown;
  inputs_to_logits_ratio?: unknown;
  vocab_size?: unknown;
  timing_correction?: { start_sec?: unknown; end_sec?: unknown };
}

const MAX_SAMPLE_RATE = 384_000;

/**
 * Reads and validates a model directory: model.onnx, vocab.json, config.json (and model.int8.onnx if present),
 * with the settings a Hugging Face export keeps in preprocessor_config.json, tokenizer_config.json and
 * special_tokens_map.json; `settings`, when the caller has read them already (`check-model`), are not read again.
 */
export async function loadModelSpec(dir: string, settings?: ModelSettings): Promise<ModelSpec> {
  const onnxPath = join(dir, 'model.onnx');
  const int8Candidate = join(dir, INT8_VARIANTS.portable.file);
  const [merged, tokenToId, hasFp32, hasInt8] = await Promise.all([
    settings ?? readModelSettings(dir),
    readModelJson(join(dir, 'vocab.json'), true) as Promise<Record<string, number>>,
    exists(onnxPath),
    exists(int8Candidate),
  ]);
  if (!hasFp32 && !hasInt8)
    throw modelError(`model directory "${dir}" has neither model.onnx nor model.int8.onnx`);
  const config = merged.values as ModelConfigFile;
  const field = (name: MergedSetting) => `${merged.sources[name] ?? CONFIG_FILE} ${name}`;
  const vocabulary = createVocabulary(tokenToId, config, merged.sources);
  if (config.vocab_size !== undefined && config.vocab_size !== vocabulary.size) {
    throw modelError(
      `config.json says vocab_size ${String(config.vocab_size)} but vocab.json has ${vocabulary.size} tokens`,
    );
  }
  const sampleRate = positiveInteger(config.sampling_rate ?? 16_000, field('sampling_rate'));
  if (sampleRate > MAX_SAMPLE_RATE)
    throw modelError(`${field('sampling_rate')} ${sampleRate} is implausible`);
  const convLayers = convGeometry(config);
  const samplesPerFrame = convLayers.reduce((product, layer) => product * layer.stride, 1);
  return {
    name: typeof config.name === 'string' && config.name !== '' ? config.name : basename(dir),
    dir,
    onnxPath,
    int8Path: hasInt8 ? int8Candidate : undefined,
    sampleRate,
    doNormalize:
      config.do_normalize === undefined ? true : booleanField(config.do_normalize, field('do_normalize')),
    convLayers,
    samplesPerFrame,
    frameSec: samplesPerFrame / sampleRate,
    vocabulary,
    timingCorrection: {
      startSec: finiteNumber(config.timing_correction?.start_sec ?? 0, 'timing_correction.start_sec'),
      endSec: finiteNumber(config.timing_correction?.end_sec ?? 0, 'timing_correction.end_sec'),
    },
  };
}

/** Number of emission frames the model produces for `samples` input samples (0 when too short for one frame). */
export function framesForSamples(convLayers: readonly ConvLayer[], samples: number): number {
  let length = samples;
  for (const { kernel, stride } of convLayers) {
    if (length < kernel) return 0;
    length = Math.floor((length - kernel) / stride) + 1;
  }
  return length;
}

/** Samples a model reads to produce `frames` frames (the receptive field of the last one included). */
export function samplesForFrames(convLayers: readonly ConvLayer[], frames: number): number {
  if (frames <= 0) return 0;
  // From the last layer back to the waveform.
  return convLayers.reduceRight((length, { kernel, stride }) => (length - 1) * stride + kernel, frames);
}

function convGeometry(config: ModelConfigFile): ConvLayer[] {
  if (config.conv_kernel !== undefined || config.conv_stride !== undefined) {
    const kernels = integerList(config.conv_kernel, 'conv_kernel');
    const strides = integerList(config.conv_stride, 'conv_stride');
    if (kernels.length !== strides.length) {
      throw modelError(
        `config.json conv_kernel has ${kernels.length} entries but conv_stride has ${strides.length}; they must match`,
      );
    }
    return kernels.map((kernel, i) => ({ kernel, stride: strides[i]! }));
  }
  if (config.inputs_to_logits_ratio !== undefined) {
    // An explicit stride with no kernel sizes: treat the front-end as one convolution as wide as its stride.
    const stride = positiveInteger(config.inputs_to_logits_ratio, 'config.json inputs_to_logits_ratio');
    return [{ kernel: stride, stride }];
  }
  throw modelError(
    'config.json needs conv_kernel and conv_stride (or inputs_to_logits_ratio) to know the frame stride',
  );
}

function integerList(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64) {
    throw modelError(`config.json ${field} must be a non-empty list of positive integers`);
  }
  return value.map((entry) => positiveInteger(entry, `config.json ${field}`));
}

/** `field` names the file as well, since some settings come from the Hugging Face side files. */
function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw modelError(`${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finiteNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 10) {
    throw modelError(
      `config.json ${field} must be a number of seconds (|x| <= 10), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function booleanField(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw modelError(`${field} must be true or false`);
  return value;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function modelError(message: string, cause?: unknown): AlignError {
  return new AlignError('MODEL', message, cause === undefined ? undefined : { cause });
}
