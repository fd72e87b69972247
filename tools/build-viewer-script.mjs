// Bundles the HTML viewer's page script (shared/output/viewer/page) into shared/output/viewer/dist/
// viewer-script.json, which every renderer of the page imports (the CLI, the Lambdas, the tests). Run before
// anything is bundled: tools/build.mjs (npm ci, npm run build, the tests' global setup) and
// tools/build-lambda.mjs (every cdk synth), so no package ever embeds a stale page script.
//   node tools/build-viewer-script.mjs

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const viewer = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'output', 'viewer');

/** Writes viewer-script.json when the bundled page script changed (generated, not committed). */
export async function buildViewerScript() {
  const page = await build({
    entryPoints: [join(viewer, 'page', 'dom', 'main.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    target: 'es2018',
    format: 'iife',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = page.outputFiles[0].text;
  // The page inlines the script in a <script> element, which these would end early or confuse.
  if (/<\/script|<!--/i.test(script)) throw new Error('the viewer page script contains </script or <!--');
  const scriptFile = join(viewer, 'dist', 'viewer-script.json');
  const json = `${JSON.stringify({ script }, null, 2)}\n`;
  // Unchanged output is left alone, and new output renamed into place, for tests and builds running at once.
  if (!existsSync(scriptFile) || readFileSync(scriptFile, 'utf8') !== json) {
    mkdirSync(dirname(scriptFile), { recursive: true });
    writeFileSync(`${scriptFile}.${process.pid}`, json);
    renameSync(`${scriptFile}.${process.pid}`, scriptFile);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildViewerScript();
}
