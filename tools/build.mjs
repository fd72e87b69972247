// Bundles the command line into dist/ with esbuild so `w2v2-align` starts without a TypeScript runtime, and
// first the HTML viewer's page script, which the command line (and every other renderer of the page) embeds.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildViewerScript } from './build-viewer-script.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await buildViewerScript();

await build({
  entryPoints: [join(root, 'cli', 'main.ts')],
  outfile: join(root, 'dist', 'cli.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['onnxruntime-node'],
  logLevel: 'warning',
});
