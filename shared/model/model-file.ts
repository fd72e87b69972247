import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlignError } from '../errors';
import type { ModelSpec } from './model-spec';
import { quantizeModel } from './quantize/quantize-dynamic';

/** The ONNX file to run and whether it is the int8 variant. */
export interface ModelFile {
  path: string;
  quantized: boolean;
}

/**
 * Picks the graph for a run (docs/model-directory.md#the-int8-copy, `W2V2_QUANTIZE`): the fp32 `model.onnx`;
 * with quantization, the shipped `model.int8.onnx`, or else an int8 copy made now and cached in `cacheDir`
 * under a key of the fp32 file, so a warm process (or a later one sharing the cache) quantizes each model
 * only once.
 */
export async function resolveModelFile(
  spec: ModelSpec,
  options: { quantize: boolean; cacheDir: string },
): Promise<ModelFile> {
  if (!options.quantize) {
    if (!(await isFile(spec.onnxPath))) {
      throw new AlignError(
        'MODEL',
        `${spec.dir} ships only model.int8.onnx; set W2V2_QUANTIZE=true to use it`,
      );
    }
    return { path: spec.onnxPath, quantized: false };
  }
  if (spec.int8Path !== undefined) return { path: spec.int8Path, quantized: true };
  // Keyed by path, size and modification time: hashing the whole fp32 graph (hundreds of MB for a real model)
  // on every start would cost more than the cache saves; a changed file gets a new key.
  const { size, mtimeMs } = await stat(spec.onnxPath);
  const digest = createHash('sha256')
    .update(`${spec.onnxPath}\u0000${size}\u0000${mtimeMs}`)
    .digest('hex')
    .slice(0, 32);
  const cached = join(options.cacheDir, `${digest}.int8.onnx`);
  if (await isFile(cached)) return { path: cached, quantized: true };
  const fp32 = await readFile(spec.onnxPath);
  const { model } = quantizeModel(new Uint8Array(fp32.buffer, fp32.byteOffset, fp32.byteLength));
  await mkdir(options.cacheDir, { recursive: true });
  // Write then rename so a concurrent reader never sees a half-written model.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, model);
  await rename(partial, cached);
  return { path: cached, quantized: true };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
