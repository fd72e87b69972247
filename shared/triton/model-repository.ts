import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlignError } from '../errors';
import { createSession } from '../inference/onnx-session-cache';
import { INPUT_NAME, OUTPUT_NAME } from '../model/graph-contract';
import { graphInterfaceProblems } from '../model/graph-probe';
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
 * directory's fp32 graph, once the graph is known to fit the graph contract (graph-contract.ts) with logits of the
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

/** The vocabulary size, once the fp32 graph is known to fit the graph contract with logits of that width. */
async function checkGraph(spec: ModelSpec): Promise<number> {
  const size = spec.vocabulary.size;
  const session = await createSession(spec.onnxPath, {}).catch((error: AlignError) => {
    throw new AlignError('MODEL', `${error.message} (Triton serves the fp32 model.onnx)`, { cause: error });
  });
  try {
    const problems = graphInterfaceProblems(session);
    const output = session.outputMetadata.find((tensor) => tensor.name === OUTPUT_NAME);
    const width = output?.isTensor ? output.shape[2] : undefined;
    if (typeof width === 'number' && width !== size) {
      problems.push(`"${OUTPUT_NAME}" is ${width} wide, but vocab.json has ${size} tokens`);
    }
    if (problems.length > 0) {
      throw new AlignError(
        'MODEL',
        `${spec.onnxPath} must take "${INPUT_NAME}" [batch, samples] and give "${OUTPUT_NAME}" [batch, frames, ${size}] ` +
          `(vocab.json); ${problems.join('; ')}`,
      );
    }
    return size;
  } finally {
    await session.release();
  }
}
