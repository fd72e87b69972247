import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_CORRECTION_SEC, type TimingCorrection } from '../../align/timing-fit';
import { AlignError } from '../../errors';
import { CONFIG_FILE, type ModelSettings, readModelSettings, SIDE_FILES } from '../model-settings';
import { loadModelSpec, type ModelSpec } from '../model-spec';
import { INT8_VARIANTS, type Int8VariantName } from '../quantize/int8-variant';
import { type CheckResult, ok, problem, type SettingOrigin, skipped, warning } from './check-result';

/** Which of the files a model directory may hold are there. */
export interface FolderLayout {
  fp32: string | undefined;
  /** The shipped int8 graph of each variant (INT8_VARIANTS): model.int8.onnx, model.int8-dot.onnx. */
  int8: Partial<Record<Int8VariantName, string>>;
  config: boolean;
  vocab: boolean;
  sideFiles: string[];
}

const DOCS = 'docs/model-directory.md';

/** The graphs a model directory may hold, in the order `files` lists them. */
const GRAPH_FILES = ['model.onnx', ...Object.values(INT8_VARIANTS).map((variant) => variant.file)];

/** `files`: the graphs, config.json, vocab.json and the Hugging Face side files. */
export async function checkFiles(dir: string): Promise<{ result: CheckResult; layout: FolderLayout }> {
  const names = [...GRAPH_FILES, CONFIG_FILE, 'vocab.json', ...SIDE_FILES];
  const sizes = new Map(
    await Promise.all(names.map(async (name) => [name, await fileSize(join(dir, name))] as const)),
  );
  const present = (name: string): boolean => sizes.get(name) !== undefined;
  const layout: FolderLayout = {
    fp32: present('model.onnx') ? join(dir, 'model.onnx') : undefined,
    int8: Object.fromEntries(
      Object.values(INT8_VARIANTS)
        .filter((variant) => present(variant.file))
        .map((variant) => [variant.name, join(dir, variant.file)]),
    ),
    config: present(CONFIG_FILE),
    vocab: present('vocab.json'),
    sideFiles: SIDE_FILES.filter(present),
  };
  const graphs = GRAPH_FILES.filter(present).map((file) => `${file} (${megabytes(sizes.get(file)!)})`);
  const found = [
    `graphs: ${graphs.length === 0 ? 'none' : graphs.join(', ')}`,
    `${layout.config ? CONFIG_FILE : `no ${CONFIG_FILE}`}, ${layout.vocab ? 'vocab.json' : 'no vocab.json'}`,
    `Hugging Face side files: ${layout.sideFiles.length === 0 ? 'none' : layout.sideFiles.join(', ')}`,
  ];
  const missing = [
    ...(graphs.length === 0 ? ['model.onnx'] : []),
    ...(layout.config ? [] : [CONFIG_FILE]),
    ...(layout.vocab ? [] : ['vocab.json']),
  ];
  if (missing.length > 0) {
    return {
      layout,
      result: problem(
        'files',
        [`missing: ${missing.join(', ')}`, ...found],
        `copy ${listing(missing)} from the export into ${dir} (${DOCS}#files)`,
      ),
    };
  }
  if (layout.fp32 === undefined) {
    return {
      layout,
      result: warning(
        'files',
        [...found, 'only model.int8.onnx: it runs with quantization on only, and Triton cannot serve it'],
        `add the fp32 export as model.onnx (${DOCS}#the-int8-copy)`,
      ),
    };
  }
  return { layout, result: ok('files', found) };
}

/** What `checkSettings` read: the model as the pipeline loads it, and where each setting came from. */
export interface CheckedSettings {
  result: CheckResult;
  spec?: ModelSpec;
  settings?: ModelSettings;
  origins: SettingOrigin[];
}

/** `settings`: the folder loads as the pipeline loads it, and where each setting came from. */
export async function checkSettings(dir: string, layout: FolderLayout): Promise<CheckedSettings> {
  if (!layout.config || !layout.vocab || (layout.fp32 === undefined && layout.int8.portable === undefined)) {
    return { result: skipped('settings', 'the files above'), origins: [] };
  }
  let settings: ModelSettings;
  let spec: ModelSpec;
  try {
    settings = await readModelSettings(dir);
    spec = await loadModelSpec(dir, settings);
  } catch (error) {
    if (!(error instanceof AlignError)) throw error;
    return {
      result: problem(
        'settings',
        [error.message],
        `correct the field the message names (${DOCS}#where-settings-come-from lists where each is read)`,
      ),
      origins: [],
    };
  }
  const origins = settingOrigins(settings, spec);
  const found = origins.map(describeOrigin);
  if (settings.conflicts.length === 0) return { result: ok('settings', found), spec, settings, origins };
  const conflicts = settings.conflicts.map(
    ({ setting, used, ignored }) =>
      `${used.file} ${setting} ${JSON.stringify(used.value)} is used; ` +
      `${ignored.file} says ${JSON.stringify(ignored.value)}`,
  );
  return {
    result: warning(
      'settings',
      [...found, ...conflicts],
      `make the files agree, or remove the value that is not meant (${DOCS}#where-settings-come-from)`,
    ),
    spec,
    settings,
    origins,
  };
}

/** `timing-correction`: present, and within what a model's boundary bias can plausibly be. */
export function checkTimingCorrection(checked: CheckedSettings): CheckResult {
  const { spec, settings } = checked;
  if (spec === undefined || settings === undefined) return skipped('timing-correction', 'the settings');
  const { startSec, endSec } = spec.timingCorrection;
  const stated = `start_sec ${seconds(startSec)}, end_sec ${seconds(endSec)}`;
  if (settings.values.timing_correction === undefined) {
    return warning(
      'timing-correction',
      [`config.json has no timing_correction: word times are the model's, uncorrected (${stated})`],
      'calibrate it on recordings with known word times: `w2v2-align calibrate DEV_SET --model DIR` ' +
        `(${DOCS}#timing-correction)`,
    );
  }
  const outside = [
    ...(Math.abs(startSec) >= MAX_CORRECTION_SEC ? ['start_sec'] : []),
    ...(Math.abs(endSec) >= MAX_CORRECTION_SEC ? ['end_sec'] : []),
  ];
  if (outside.length > 0) {
    return warning(
      'timing-correction',
      [
        `config.json timing_correction ${stated}: ${outside.join(' and ')} at or beyond ±${MAX_CORRECTION_SEC} s, ` +
          'more than a CTC model is early or late by',
      ],
      'recalibrate it (`w2v2-align calibrate DEV_SET --model DIR`); the fields are seconds, not milliseconds',
    );
  }
  return ok('timing-correction', [`config.json timing_correction ${stated}`]);
}

/** `text`: the vocabulary's letter case, word delimiter and digits, and the tokenizer's blank agreeing with it. */
export function checkText(checked: CheckedSettings): CheckResult {
  const { spec, settings } = checked;
  if (spec === undefined || settings === undefined) return skipped('text', 'the settings');
  const vocabulary = spec.vocabulary;
  const letters = vocabulary.charToId.size;
  const found = [
    `${letters} transcript characters; ${LETTER_CASES[vocabulary.letterCase]}`,
    vocabulary.hasDigits
      ? 'digits are tokens: numbers in transcripts stay digits'
      : 'no digit tokens: numbers in transcripts are spoken out in words',
  ];
  const namedPad = settings.values.pad_token;
  const blank = vocabulary.idToToken[vocabulary.blankId];
  if (settings.values.pad_token_id !== undefined && typeof namedPad === 'string' && namedPad !== blank) {
    return warning(
      'text',
      [
        ...found,
        `config.json pad_token_id ${vocabulary.blankId} is ${JSON.stringify(blank)}, but ` +
          `${settings.sources.pad_token} pad_token is ${JSON.stringify(namedPad)}; the blank is ${JSON.stringify(blank)}`,
      ],
      'make pad_token_id the id of the pad token the model was trained with',
    );
  }
  if (vocabulary.delimiterId === null) {
    return warning(
      'text',
      [...found, 'no word delimiter: words are aligned back to back, with no token between them'],
      'set word_delimiter_token (config.json or tokenizer_config.json) to the token the model writes ' +
        'between words, if it has one',
    );
  }
  const delimiter = vocabulary.idToToken[vocabulary.delimiterId];
  return ok('text', [...found, `word delimiter ${JSON.stringify(delimiter)} (id ${vocabulary.delimiterId})`]);
}

const LETTER_CASES = {
  upper: 'letters are upper case: transcripts are upper-cased to match',
  lower: 'letters are lower case: transcripts are lower-cased to match',
  mixed: 'letters of both cases: transcripts are matched case by case',
  none: 'no cased letters',
} as const;

/** The settings the pipeline uses, with the file and field each came from. */
function settingOrigins(settings: ModelSettings, spec: ModelSpec): SettingOrigin[] {
  const from = (field: string): Pick<SettingOrigin, 'file' | 'field'> => {
    const file =
      settings.sources[field as keyof ModelSettings['sources']] ??
      (settings.values[field] === undefined ? null : CONFIG_FILE);
    return { file, field: file === null ? null : field };
  };
  const { vocabulary } = spec;
  const token = (id: number | null) => (id === null ? null : vocabulary.idToToken[id]);
  const geometryField = settings.values.conv_kernel === undefined ? 'inputs_to_logits_ratio' : 'conv_kernel';
  return [
    { setting: 'sampling_rate', value: spec.sampleRate, ...from('sampling_rate') },
    { setting: 'do_normalize', value: spec.doNormalize, ...from('do_normalize') },
    {
      setting: 'frame_geometry',
      value: {
        kernels: spec.convLayers.map((layer) => layer.kernel),
        strides: spec.convLayers.map((layer) => layer.stride),
        samplesPerFrame: spec.samplesPerFrame,
      },
      file: CONFIG_FILE,
      field: geometryField === 'conv_kernel' ? 'conv_kernel, conv_stride' : geometryField,
    },
    {
      setting: 'blank',
      value: token(vocabulary.blankId),
      ...(settings.values.pad_token_id === undefined ? from('pad_token') : from('pad_token_id')),
    },
    { setting: 'word_delimiter', value: token(vocabulary.delimiterId), ...from('word_delimiter_token') },
    { setting: 'unknown_token', value: token(vocabulary.unkId), ...from('unk_token') },
    {
      setting: 'timing_correction',
      value: spec.timingCorrection,
      ...from('timing_correction'),
    },
  ];
}

function describeOrigin({ setting, value, file, field }: SettingOrigin): string {
  const where = file === null ? 'default' : field === setting ? file : `${file} ${field}`;
  return `${setting} ${describeValue(setting, value)} (${where})`;
}

function describeValue(setting: string, value: unknown): string {
  if (setting === 'frame_geometry') {
    const { kernels, strides, samplesPerFrame } = value as {
      kernels: number[];
      strides: number[];
      samplesPerFrame: number;
    };
    return `${samplesPerFrame} samples a frame: kernels [${kernels.join(',')}], strides [${strides.join(',')}]`;
  }
  if (setting === 'timing_correction') {
    const { startSec, endSec } = value as TimingCorrection;
    return `start ${seconds(startSec)}, end ${seconds(endSec)}`;
  }
  return value === null ? 'none' : JSON.stringify(value);
}

/** `a`, `a and b`, `a, b and c`. */
function listing(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function seconds(value: number): string {
  return `${value > 0 ? '+' : ''}${value} s`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
