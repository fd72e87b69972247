import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlignError } from '../errors';

/** The file every model directory has; its fields take precedence over the Hugging Face side files. */
export const CONFIG_FILE = 'config.json';
/** Where Hugging Face keeps the feature extractor's settings (sampling rate, normalisation). */
const PREPROCESSOR_FILE = 'preprocessor_config.json';
/** Where Hugging Face keeps the CTC tokenizer's settings (special tokens, word delimiter). */
const TOKENIZER_FILE = 'tokenizer_config.json';
/** Where Hugging Face repeats the special tokens. */
const SPECIAL_TOKENS_FILE = 'special_tokens_map.json';

/** The Hugging Face files beside config.json that are read when present. */
export const SIDE_FILES = [PREPROCESSOR_FILE, TOKENIZER_FILE, SPECIAL_TOKENS_FILE] as const;

/**
 * Each setting a side file may give, with the side files looked in after config.json, first match wins
 * (docs/model-directory.md#where-settings-come-from).
 */
const SETTING_FILES = {
  sampling_rate: [PREPROCESSOR_FILE],
  do_normalize: [PREPROCESSOR_FILE],
  feature_size: [PREPROCESSOR_FILE],
  pad_token: [TOKENIZER_FILE, SPECIAL_TOKENS_FILE],
  word_delimiter_token: [TOKENIZER_FILE],
  unk_token: [TOKENIZER_FILE, SPECIAL_TOKENS_FILE],
  bos_token: [TOKENIZER_FILE, SPECIAL_TOKENS_FILE],
  eos_token: [TOKENIZER_FILE, SPECIAL_TOKENS_FILE],
  do_lower_case: [TOKENIZER_FILE],
} as const;

/** A setting that may come from a file other than config.json. */
export type MergedSetting = keyof typeof SETTING_FILES;

/** The merged settings, in the order they are looked up. */
const MERGED_SETTINGS = Object.keys(SETTING_FILES) as readonly MergedSetting[];

/** A setting two files give different values: the first file's is used, the other's is not. */
export interface SettingConflict {
  setting: MergedSetting;
  used: { file: string; value: unknown };
  ignored: { file: string; value: unknown };
}

/** A model directory's settings: config.json's fields, completed from the side files, and where each came from. */
export interface ModelSettings {
  values: Readonly<Record<string, unknown>>;
  /** The file each merged setting was read from; a setting found nowhere has no entry. */
  sources: Readonly<Partial<Record<MergedSetting, string>>>;
  /** The side files the directory has. */
  sideFiles: readonly string[];
  /** Settings a later file gives differently from the one used, for `check-model` to point out. */
  conflicts: readonly SettingConflict[];
}

/** Reads config.json (required) and the Hugging Face side files (when present) and merges their settings. */
export async function readModelSettings(dir: string): Promise<ModelSettings> {
  const [config, ...side] = await Promise.all([
    readJsonObject(join(dir, CONFIG_FILE), true),
    ...SIDE_FILES.map((file) => readJsonObject(join(dir, file), false)),
  ]);
  const files = new Map<string, Record<string, unknown>>([[CONFIG_FILE, config!]]);
  SIDE_FILES.forEach((file, i) => {
    const content = side[i];
    if (content !== undefined) files.set(file, content);
  });
  const values: Record<string, unknown> = { ...config };
  const sources: Partial<Record<MergedSetting, string>> = {};
  const conflicts: SettingConflict[] = [];
  for (const setting of MERGED_SETTINGS) {
    delete values[setting];
    for (const file of [CONFIG_FILE, ...SETTING_FILES[setting]]) {
      const value = tokenContent(files.get(file)?.[setting]);
      // Hugging Face writes null for a token it does not have; that says nothing, so the next file is asked.
      if (value === undefined || value === null) continue;
      const used = sources[setting];
      if (used === undefined) {
        values[setting] = value;
        sources[setting] = file;
      } else if (JSON.stringify(value) !== JSON.stringify(values[setting])) {
        conflicts.push({ setting, used: { file: used, value: values[setting] }, ignored: { file, value } });
      }
    }
  }
  return { values, sources, sideFiles: SIDE_FILES.filter((file) => files.has(file)), conflicts };
}

/** A token as newer tokenizers write it, `{"content": "<pad>", "lstrip": ...}`, is the string it holds. */
function tokenContent(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'content' in value) return value.content;
  return value;
}

/** A model directory's JSON file parsed, or undefined when it is absent and not `required`; MODEL errors name it. */
export async function readModelJson(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return undefined;
    throw modelError(`cannot read ${path}: ${code ?? String(error)}`, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw modelError(`${path} is not valid JSON: ${(error as Error).message}`, error);
  }
}

/** Whether a parsed JSON value is an object (not an array or null), as a settings file must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJsonObject(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  const parsed = await readModelJson(path, required);
  if (parsed === undefined) return undefined;
  if (!isJsonObject(parsed)) throw modelError(`${path} must hold a JSON object of settings`);
  return parsed;
}

function modelError(message: string, cause: unknown = undefined): AlignError {
  return new AlignError('MODEL', message, cause === undefined ? undefined : { cause });
}
