// Copies onnxruntime-node into the CPU image's package (tools/build-lambda.mjs), pruned to what one Linux
// architecture needs on CPU, with onnxruntime-common (its one runtime dependency). The npm package carries
// ~290 MB for five platforms, and where its install script fetched the GPU providers, hundreds of MB of
// CUDA/TensorRT libraries beside the binding; the CPU image needs the binding and libonnxruntime only.
//   node tools/stage-onnxruntime.mjs <package dir> <x64|arm64>

import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The native files onnxruntime-node loads for the CPU execution provider, and nothing else. */
export const CPU_NATIVE_FILES = ['onnxruntime_binding.node', 'libonnxruntime.so.1'];

/**
 * Writes node_modules/onnxruntime-node and node_modules/onnxruntime-common under `packageDir`, copied from
 * `sourceModules` (this checkout's node_modules unless told).
 */
export function stageOnnxRuntime(packageDir, arch, sourceModules = join(root, 'node_modules')) {
  if (arch !== 'x64' && arch !== 'arm64') throw new Error(`architecture must be x64 or arm64, got "${arch}"`);
  const modules = join(packageDir, 'node_modules');
  rmSync(join(modules, 'onnxruntime-node'), { recursive: true, force: true });
  rmSync(join(modules, 'onnxruntime-common'), { recursive: true, force: true });

  const ortFrom = join(sourceModules, 'onnxruntime-node');
  const ortTo = join(modules, 'onnxruntime-node');
  const binaries = join('bin', 'napi-v6', 'linux', arch);
  const missing = CPU_NATIVE_FILES.filter((name) => !existsSync(join(ortFrom, binaries, name)));
  if (missing.length > 0) {
    throw new Error(
      `onnxruntime-node has no ${missing.join(' or ')} in ${join(ortFrom, binaries)}; ` +
        `reinstall it (npm ci) on a machine whose package ships linux/${arch} binaries`,
    );
  }
  mkdirSync(join(ortTo, binaries), { recursive: true });
  copyFileSync(join(ortFrom, 'package.json'), join(ortTo, 'package.json'));
  cpSync(join(ortFrom, 'dist'), join(ortTo, 'dist'), { recursive: true, filter: isRuntimeFile });
  for (const name of CPU_NATIVE_FILES)
    copyFileSync(join(ortFrom, binaries, name), join(ortTo, binaries, name));

  const commonFrom = join(sourceModules, 'onnxruntime-common');
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
