// Stages the align-cpu container image's files in lambdas/align-cpu/dist/, which its Dockerfile COPYs:
//   index.js         the handler bundled by esbuild (onnxruntime-node stays external: it loads a native binary)
//   node_modules/    onnxruntime-node pruned to one Linux architecture's binaries, and onnxruntime-common
//   model/           config.json, vocab.json, the Hugging Face side files (tools/stage-model-files.mjs) and
//                    model.int8.onnx and model.int8-dot.onnx made by `w2v2-align quantize --variant`
// cdk/app.ts runs it before every synth and deploy. Environment:
//   W2V2_MODEL_DIR    model directory to bake in (default: the demo model, models/demo-en)
//   W2V2_LAMBDA_ARCH  x64 (default) or arm64; cdk/app.ts sets it from the cpuArchitecture context

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildViewerScript } from './build-viewer-script.mjs';
import { stageModelFiles } from './stage-model-files.mjs';
import { stageOnnxRuntime } from './stage-onnxruntime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'lambdas', 'align-cpu', 'dist');

const arch = process.env.W2V2_LAMBDA_ARCH ?? 'x64';
if (arch !== 'x64' && arch !== 'arm64') {
  throw new Error(`W2V2_LAMBDA_ARCH must be x64 or arm64, got "${arch}"`);
}
const modelVar = process.env.W2V2_MODEL_DIR;
const modelDir =
  modelVar === undefined || modelVar === ''
    ? join(root, 'models', 'demo-en')
    : isAbsolute(modelVar)
      ? modelVar
      : resolve(process.cwd(), modelVar);
for (const file of ['config.json', 'vocab.json']) {
  if (!existsSync(join(modelDir, file))) {
    throw new Error(
      `W2V2_MODEL_DIR "${modelDir}" has no ${file}: expected a wav2vec2 CTC export (see docs/model-directory.md)`,
    );
  }
}

// The model is kept between builds (quantizing a real model takes a while); everything else is rebuilt.
for (const stale of ['index.js', 'node_modules']) rmSync(join(out, stale), { recursive: true, force: true });
mkdirSync(join(out, 'model'), { recursive: true });

// The handler embeds the viewer's page script: bundle it fresh first.
await buildViewerScript();
await build({
  entryPoints: [join(root, 'lambdas', 'align-cpu', 'index.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // Smaller to read and parse on a cold start; names kept so stack traces and error names stay readable.
  minify: true,
  keepNames: true,
  external: ['onnxruntime-node'],
  logLevel: 'warning',
});

stageOnnxRuntime(out, arch);

const modelOut = join(out, 'model');
stageModelFiles(modelDir, modelOut);
const fp32 = join(modelDir, 'model.onnx');
// Both int8 variants of shared/model/quantize/int8-variant.ts: the image runs on whichever host Lambda gives it,
// and the handler picks the variant for that host's CPU at load.
for (const [variant, file] of [
  ['portable', 'model.int8.onnx'],
  ['dot-product', 'model.int8-dot.onnx'],
]) {
  const int8Out = join(modelOut, file);
  const shipped = join(modelDir, file);
  // Names the graph the staged copy came from, so a changed or different model is quantized again.
  const stampFile = join(out, `model-source.${variant}.txt`);
  if (existsSync(shipped)) {
    copyFileSync(shipped, int8Out);
    rmSync(stampFile, { force: true });
    continue;
  }
  if (!existsSync(fp32)) {
    // A folder that ships only model.int8.onnx: that graph runs on every CPU.
    rmSync(int8Out, { force: true });
    rmSync(stampFile, { force: true });
    continue;
  }
  const { size, mtimeMs } = statSync(fp32);
  const stamp = `${fp32}\n${size}\n${mtimeMs}\n`;
  if (!existsSync(int8Out) || !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    // The image ships only int8 graphs (W2V2_QUANTIZE=true): quantizing at build keeps it off the cold start.
    execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], { stdio: 'inherit' });
    const partial = `${int8Out}.partial`;
    execFileSync(
      process.execPath,
      [join(root, 'bin', 'w2v2-align.js'), 'quantize', fp32, partial, '--variant', variant],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    renameSync(partial, int8Out);
    writeFileSync(stampFile, stamp);
  }
}
