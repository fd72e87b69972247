// Copies onnxruntime-node into a Lambda package, pruned to one Linux architecture's native binaries, with
// onnxruntime-common (its one runtime dependency). The npm package carries ~290 MB for five platforms; one
// Linux architecture needs 25-45 MB. Used by tools/build-lambda.mjs (the CPU image) and by the Triton
// function's bundling (cdk), whose shared pipeline code imports onnxruntime-node at load time.
//   node tools/stage-onnxruntime.mjs <package dir> <x64|arm64>

import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes node_modules/onnxruntime-node and node_modules/onnxruntime-common under `packageDir`. */
export function stageOnnxRuntime(packageDir, arch) {
  if (arch !== 'x64' && arch !== 'arm64') throw new Error(`architecture must be x64 or arm64, got "${arch}"`);
  const modules = join(packageDir, 'node_modules');
  rmSync(join(modules, 'onnxruntime-node'), { recursive: true, force: true });
  rmSync(join(modules, 'onnxruntime-common'), { recursive: true, force: true });

  const ortFrom = join(root, 'node_modules', 'onnxruntime-node');
  const ortTo = join(modules, 'onnxruntime-node');
  mkdirSync(ortTo, { recursive: true });
  copyFileSync(join(ortFrom, 'package.json'), join(ortTo, 'package.json'));
  cpSync(join(ortFrom, 'dist'), join(ortTo, 'dist'), { recursive: true, filter: isRuntimeFile });
  const binaries = join('bin', 'napi-v6', 'linux', arch);
  cpSync(join(ortFrom, binaries), join(ortTo, binaries), { recursive: true });

  const commonFrom = join(root, 'node_modules', 'onnxruntime-common');
  const commonTo = join(modules, 'onnxruntime-common');
  mkdirSync(commonTo, { recursive: true });
  copyFileSync(join(commonFrom, 'package.json'), join(commonTo, 'package.json'));
  // Only the CommonJS build: the bundles are CommonJS and so is onnxruntime-node.
  cpSync(join(commonFrom, 'dist', 'cjs'), join(commonTo, 'dist', 'cjs'), {
    recursive: true,
    filter: isRuntimeFile,
  });
}

function isRuntimeFile(path) {
  return !path.endsWith('.d.ts') && !path.endsWith('.map');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [packageDir, arch] = process.argv.slice(2);
  if (packageDir === undefined || arch === undefined) {
    throw new Error('usage: node tools/stage-onnxruntime.mjs <package dir> <x64|arm64>');
  }
  stageOnnxRuntime(resolve(packageDir), arch);
}
