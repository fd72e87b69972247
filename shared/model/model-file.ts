import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlignError } from '../errors';
import { cpuInt8Support } from '../inference/cpu-int8-support';
import type { ModelSpec } from './model-spec';
import {
  INT8_VARIANTS,
  type Int8Variant,
  type Int8VariantName,
  int8VariantFor,
} from './quantize/int8-variant';
import { quantizeModel } from './quantize/quantize-dynamic';

/** The ONNX file to run, whether it is int8, and which int8 variant. */
export interface ModelFile {
  path: string;
  quantized: boolean;
  /** The int8 variant run; undefined for fp32. */
  variant?: Int8VariantName | undefined;
}

/**
 * Picks the graph for a run (docs/model-directory.md#the-int8-copy, `W2V2_QUANTIZE`): the fp32 `model.onnx`;
 * with quantization, the int8 variant for this CPU (`variant`, else chosen from /proc/cpuinfo) as shipped, else
 * the shipped portable `model.int8.onnx` (a shipped graph is the directory's choice and starts at once), else an
 * int8 copy made now and cached in `cacheDir` under a key of the fp32 file and the variant, so a warm process
 * (or a later one sharing the cache) quantizes each model only once.
 */
export async function resolveModelFile(
  spec: ModelSpec,
  options: { quantize: boolean; cacheDir: string; variant?: Int8Variant | undefined },
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
  const variant = options.variant ?? int8VariantFor(cpuInt8Support());
  const portable = INT8_VARIANTS.portable;
  // The shipped portable graph is spec.int8Path, which loadModelSpec has looked for already.
  if (variant.name !== portable.name) {
    const shipped = join(spec.dir, variant.file);
    if (await isFile(shipped)) return { path: shipped, quantized: true, variant: variant.name };
  }
  if (spec.int8Path !== undefined) return { path: spec.int8Path, quantized: true, variant: portable.name };
  // Keyed by path, size and modification time: hashing the whole fp32 graph (hundreds of MB for a real model)
  // on every start would cost more than the cache saves; a changed file gets a new key.
  const { size, mtimeMs } = await stat(spec.onnxPath);
  const digest = createHash('sha256')
    .update(`${spec.onnxPath}\u0000${size}\u0000${mtimeMs}\u0000${variant.name}`)
    .digest('hex')
    .slice(0, 32);
  const cached = join(options.cacheDir, `${digest}.int8.onnx`);
  const made: ModelFile = { path: cached, quantized: true, variant: variant.name };
  if (await isFile(cached)) return made;
  const fp32 = await readFile(spec.onnxPath);
  const { model } = quantizeModel(
    new Uint8Array(fp32.buffer, fp32.byteOffset, fp32.byteLength),
    variant.options,
  );
  await mkdir(options.cacheDir, { recursive: true });
  // Write then rename so a concurrent reader never sees a half-written model.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, model);
  await rename(partial, cached);
  return made;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
