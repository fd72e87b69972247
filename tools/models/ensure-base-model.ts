import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Where `npm run models:base` puts the random-weight wav2vec2-base export (an ignored folder). */
export const BASE_MODEL_DIR = join(__dirname, '..', '..', '.cache', 'models', 'wav2vec2-base-random');

const EXPORT_SCRIPT = join(__dirname, 'export_wav2vec2_base.py');
// Debian's interpreter is the one with torch and torchaudio on this project's machines; PYTHON overrides it.
export const DEFAULT_PYTHON = '/usr/bin/python3';
const EXPORT_TIMEOUT_MS = 10 * 60_000;

/** The model directory, or why it could not be made (no python, no torch). */
export type BaseModel = { ok: true; dir: string } | { ok: false; reason: string };

/** Exports the wav2vec2-base model with random weights unless it is already there. */
export async function ensureBaseModel(python = DEFAULT_PYTHON): Promise<BaseModel> {
  if (existsSync(join(BASE_MODEL_DIR, 'model.onnx'))) return { ok: true, dir: BASE_MODEL_DIR };
  if (!existsSync(python))
    return { ok: false, reason: `${python} not found (set PYTHON to an interpreter with torch)` };
  try {
    await promisify(execFile)(python, ['-c', 'import torch, torchaudio'], { timeout: 60_000 });
  } catch {
    return { ok: false, reason: `${python} cannot import torch and torchaudio` };
  }
  await promisify(execFile)(python, [EXPORT_SCRIPT, '--out', BASE_MODEL_DIR], { timeout: EXPORT_TIMEOUT_MS });
  return { ok: true, dir: BASE_MODEL_DIR };
}

if (require.main === module) {
  ensureBaseModel(process.env.PYTHON)
    .then((model) => {
      if (!model.ok) {
        process.stderr.write(`models:base: ${model.reason}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${join(model.dir, 'model.onnx')}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`models:base failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
