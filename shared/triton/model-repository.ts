import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { AlignError } from '../errors';
import type { ModelSpec } from '../model/model-spec';
import { renderTritonModelConfig, type TritonModelConfigOptions } from './model-config';

/** Where a repository entry's files were written. */
export interface WrittenRepositoryEntry {
  configPath: string;
  modelPath: string;
  vocabSize: number;
}

/**
 * Writes the Triton model repository entry `<outDir>/<name>/config.pbtxt` + `<name>/1/model.onnx` for a model
 * directory's fp32 graph, once the graph is known to take `input_values` and give `logits` of the
 * vocabulary's width. Used by `w2v2-align triton-repo` and by the stack, which publishes one at deploy.
 */
export async function writeModelRepositoryEntry(
  spec: ModelSpec,
  outDir: string,
  options: Omit<TritonModelConfigOptions, 'vocabSize'>,
): Promise<WrittenRepositoryEntry> {
  const vocabSize = await checkGraph(spec);
  const modelRoot = join(outDir, options.name);
  await mkdir(join(modelRoot, '1'), { recursive: true });
  const configPath = join(modelRoot, 'config.pbtxt');
  await writeFile(configPath, renderTritonModelConfig({ ...options, vocabSize }));
  // Copied under a temporary name and renamed, so Triton never loads a half-written model.
  const modelPath = join(modelRoot, '1', 'model.onnx');
  const partial = `${modelPath}.partial-${process.pid}`;
  await copyFile(spec.onnxPath, partial);
  await rename(partial, modelPath);
  return { configPath, modelPath, vocabSize };
}

/** The vocabulary size, once the fp32 graph is known to take `input_values` and give `logits` of that width. */
async function checkGraph(spec: ModelSpec): Promise<number> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(spec.onnxPath);
  } catch (error) {
    throw new AlignError(
      'MODEL',
      `cannot load ${spec.onnxPath} (Triton serves the fp32 model.onnx): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const input = session.inputMetadata.find((tensor) => tensor.name === 'input_values');
    const output = session.outputMetadata.find((tensor) => tensor.name === 'logits');
    const shapeOf = (tensor: typeof input): readonly (number | string)[] =>
      tensor?.isTensor ? tensor.shape : [];
    const inputShape = shapeOf(input);
    const outputShape = shapeOf(output);
    const vocab = outputShape[2];
    if (
      inputShape.length !== 2 ||
      outputShape.length !== 3 ||
      (typeof vocab === 'number' && vocab !== spec.vocabulary.size)
    ) {
      throw new AlignError(
        'MODEL',
        `${spec.onnxPath} must take "input_values" [batch, samples] and give "logits" [batch, frames, ${spec.vocabulary.size}] ` +
          `(vocab.json); it takes [${inputShape.join(',')}] and gives [${outputShape.join(',')}]`,
      );
    }
    return spec.vocabulary.size;
  } finally {
    await session.release();
  }
}
