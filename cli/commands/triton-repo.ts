import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { AlignError, InvalidInputError } from '../../shared/errors';
import { loadModelSpec, type ModelSpec } from '../../shared/model/model-spec';
import { renderTritonModelConfig } from '../../shared/triton/model-config';
import { type CliCommand, parseCommandArgs } from '../cli-command';

/** Triton's model names become directory names and URL path segments. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `triton-repo`: a Triton model repository entry (config.pbtxt + 1/model.onnx) for a model directory. */
export const tritonRepoCommand: CliCommand = {
  usage:
    '<modelDir> <outDir> [--name w2v2] [--max-batch-size 8] [--max-queue-delay-us 100] [--instances 1] ' +
    '[--tensorrt] [--fp16]',
  async run(args, _env, io) {
    const { values, positionals } = parseCommandArgs(args, {
      name: { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-queue-delay-us': { type: 'string' },
      instances: { type: 'string' },
      tensorrt: { type: 'boolean' },
      fp16: { type: 'boolean' },
    });
    const [modelDir, outDir, ...extra] = positionals;
    if (modelDir === undefined || outDir === undefined || extra.length > 0) {
      throw new InvalidInputError('triton-repo takes exactly two directories: <modelDir> <outDir>');
    }
    const name = values.name ?? 'w2v2';
    if (!MODEL_NAME.test(name)) {
      throw new InvalidInputError(
        `--name must be letters, digits, "_", "." or "-" (at most 128), got "${name}"`,
      );
    }
    const maxBatchSize = wholeNumber('max-batch-size', values['max-batch-size'], 8, 1);
    const maxQueueDelayMicroseconds = wholeNumber('max-queue-delay-us', values['max-queue-delay-us'], 100, 0);
    const instances = wholeNumber('instances', values.instances, 1, 1);
    const spec = await loadModelSpec(modelDir);
    const vocabSize = await checkGraph(spec);
    const config = renderTritonModelConfig({
      name,
      vocabSize,
      maxBatchSize,
      maxQueueDelayMicroseconds,
      instances,
      // FP16 on Triton's ONNX Runtime backend means TensorRT's FP16 precision mode: --fp16 implies --tensorrt.
      tensorrt: values.fp16 === true ? 'fp16' : values.tensorrt === true ? 'fp32' : 'off',
    });
    const modelRoot = join(outDir, name);
    await mkdir(join(modelRoot, '1'), { recursive: true });
    await writeFile(join(modelRoot, 'config.pbtxt'), config);
    // Copied under a temporary name and renamed, so Triton never loads a half-written model.
    const partial = join(modelRoot, '1', `model.onnx.partial-${process.pid}`);
    await copyFile(spec.onnxPath, partial);
    await rename(partial, join(modelRoot, '1', 'model.onnx'));
    io.stdout.write(
      `wrote ${join(modelRoot, 'config.pbtxt')} and ${join(modelRoot, '1', 'model.onnx')} ` +
        `(vocabulary ${vocabSize}, max_batch_size ${maxBatchSize})\n`,
    );
  },
};

/** The vocabulary size, once the fp32 graph is known to take `input_values` and give `logits` of that width. */
async function checkGraph(spec: ModelSpec): Promise<number> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(spec.onnxPath);
  } catch (error) {
    throw new AlignError(
      'MODEL',
      `cannot load ${spec.onnxPath} (Triton serves the fp32 model.onnx): ${(error as Error).message}`,
      {
        cause: error,
      },
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

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new InvalidInputError(`--${name} must be a whole number >= ${min}, got "${value}"`);
  }
  return parsed;
}
