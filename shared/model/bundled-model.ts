import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AlignError } from '../errors';

/**
 * The demo model shipped in `models/demo-en/`. Found by walking up from this file, because the CLI runs both
 * from its sources (cli/) and from the esbuild bundle (dist/), at different depths below the package root.
 */
export function bundledModelDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'models', 'demo-en');
    if (existsSync(join(candidate, 'config.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new AlignError('MODEL', 'the bundled demo model (models/demo-en) is missing; pass --model DIR');
}

/**
 * A Lambda's model directory: MODEL_DIR when set, else the demo model packaged beside the handler. `need` says
 * in the error what the model is for, since the CPU Lambda runs it and the Triton Lambda only reads its vocabulary.
 */
export function handlerModelDir(configured: string | undefined, handlerDir: string, need: string): string {
  if (configured !== undefined) return configured;
  try {
    return bundledModelDir(handlerDir);
  } catch (error) {
    throw new AlignError('MODEL', `no model: set MODEL_DIR to ${need} (see docs/model-directory.md)`, {
      cause: error,
    });
  }
}
