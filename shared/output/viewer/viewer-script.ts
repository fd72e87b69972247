// The page script is browser TypeScript (page/) that tools/build.mjs bundles into dist/viewer-script.json,
// git-ignored: every place that renders the page imports it from there, and esbuild inlines it into the
// CLI and Lambda bundles, so nothing bundles at render time and esbuild stays a devDependency. `npm ci`
// (the prepare script), `npm run build` and the tests' global setup make it; edits to page/ need one of them.
import bundled from './dist/viewer-script.json';

/**
 * The viewer page's script, minified for an ES2018 browser. It reads the `#viewer-data` JSON block; every
 * text from the result reaches the page through textContent or DOM attributes, never through markup. Its
 * layout logic is unit-tested, its behaviour covered by the real-browser tests in test/shared/output/viewer/.
 */
export const VIEWER_SCRIPT: string = bundled.script;
