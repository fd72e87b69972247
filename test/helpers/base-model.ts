import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_MODEL_DIR, DEFAULT_PYTHON, ensureBaseModel } from '../../tools/models/ensure-base-model';

/** How long exporting the random-weight wav2vec2-base may take in a test's beforeAll (about 20 s here). */
export const BASE_MODEL_TIMEOUT_MS = 10 * 60_000;

/**
 * Whether the random-weight wav2vec2-base export (`npm run models:base`) is there or can be made (Debian's
 * python3-torch and python3-torchaudio). Locally the tests that need it skip without; under CI=true its absence
 * is a failure, so CI never passes by skipping them.
 */
export function baseModelAvailable(): boolean {
  if (existsSync(join(BASE_MODEL_DIR, 'model.onnx'))) return true;
  const probe = spawnSync(DEFAULT_PYTHON, ['-c', 'import torch, torchaudio'], { stdio: 'ignore' });
  if (probe.status === 0) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but ${DEFAULT_PYTHON} cannot import torch and torchaudio: add python3-torch and ` +
        'python3-torchaudio to .ci/apt-packages',
    );
  }
  return false;
}

/** The base export's folder, exported first when it is missing. */
export async function baseModelDir(): Promise<string> {
  const model = await ensureBaseModel();
  if (!model.ok) throw new Error(`the wav2vec2-base export cannot be made: ${model.reason}`);
  return model.dir;
}
