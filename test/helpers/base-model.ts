import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_MODEL_DIR, DEFAULT_PYTHON, ensureBaseModel } from '../../tools/models/ensure-base-model';

/** How long exporting the random-weight wav2vec2-base may take in a test's beforeAll (about 20 s here). */
export const BASE_MODEL_TIMEOUT_MS = 10 * 60_000;

/**
 * Why DEFAULT_PYTHON cannot import `modules` (naming the Debian `aptPackages` that provide them), or undefined
 * when it can. Locally the tests that need them skip with this reason; under CI=true their absence throws, so CI
 * never passes by skipping them.
 */
export function pythonModulesProblem(
  modules: readonly string[],
  aptPackages: readonly string[],
): string | undefined {
  const probe = spawnSync(DEFAULT_PYTHON, ['-c', `import ${modules.join(', ')}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  if (probe.error === undefined && probe.status === 0) return undefined;
  const reason = `${DEFAULT_PYTHON} cannot import ${modules.join(', ')} (apt-get install ${aptPackages.join(' ')})`;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${reason}: list ${aptPackages.join(' ')} in .ci/apt-packages`);
  return reason;
}

/**
 * Whether the random-weight wav2vec2-base export (`npm run models:base`) is there or can be made (Debian's
 * python3-torch and python3-torchaudio); under CI=true it must be.
 */
export function baseModelAvailable(): boolean {
  if (existsSync(join(BASE_MODEL_DIR, 'model.onnx'))) return true;
  return pythonModulesProblem(['torch', 'torchaudio'], ['python3-torch', 'python3-torchaudio']) === undefined;
}

/** The base export's folder, exported first when it is missing. */
export async function baseModelDir(): Promise<string> {
  const model = await ensureBaseModel();
  if (!model.ok) throw new Error(`the wav2vec2-base export cannot be made: ${model.reason}`);
  return model.dir;
}
