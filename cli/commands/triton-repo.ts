import { InvalidInputError } from '../../shared/errors';
import { loadModelSpec } from '../../shared/model/model-spec';
import { writeModelRepositoryEntry } from '../../shared/triton/model-repository';
import { type CliCommand, parseCommandArgs } from '../cli-command';

/** Triton's model names become directory names and URL path segments. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `triton-repo`: a Triton model repository entry (config.pbtxt + 1/model.onnx) for a model directory. */
export const tritonRepoCommand: CliCommand = {
  summary: 'writes a Triton model repository entry (config.pbtxt, 1/model.onnx) for a model folder',
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
    const written = await writeModelRepositoryEntry(spec, outDir, {
      name,
      maxBatchSize,
      maxQueueDelayMicroseconds,
      instances,
      // FP16 on Triton's ONNX Runtime backend means TensorRT's FP16 precision mode: --fp16 implies --tensorrt.
      tensorrt: values.fp16 === true ? 'fp16' : values.tensorrt === true ? 'fp32' : 'off',
    });
    io.stdout.write(
      `wrote ${written.configPath} and ${written.modelPath} ` +
        `(vocabulary ${written.vocabSize}, max_batch_size ${maxBatchSize})\n`,
    );
  },
};

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new InvalidInputError(`--${name} must be a whole number >= ${min}, got "${value}"`);
  }
  return parsed;
}
