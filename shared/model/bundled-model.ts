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
