import { availableParallelism } from 'node:os';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import type { Emissions } from '../align/emissions';
import { logSoftmax } from '../align/log-softmax';
import { AlignError } from '../errors';
import { INPUT_NAME, OUTPUT_NAME } from '../model/graph-contract';
import { framesForSamples, type ModelSpec } from '../model/model-spec';
import type { AcousticModel } from './acoustic-model';
import { cpuSessionOptions } from './execution-settings';
import { type Normalization, utteranceNormalization } from './normalize-audio';
import { cachedSession } from './onnx-session-cache';
import { DEFAULT_WINDOW, planWindows, type WindowOptions } from './window-plan';
import { type BatchLogits, computeWindowedLogits, stackWindows } from './windowed-logits';

/** Options of the CPU backend. */
export interface OnnxModelOptions {
  /** Which graph to run: the fp32 `model.onnx` or an int8 copy (already resolved by the caller). */
  modelPath: string;
  quantized: boolean;
  /** Intra-op threads; default: every core. */
  threads?: number | undefined;
  window?: WindowOptions;
}

export { DEFAULT_WINDOW };

/**
 * Opens (or reuses) the ONNX Runtime session for a model and checks its input and output
 * (docs/model-directory.md#graph-input-and-output).
 */
export async function openOnnxModel(spec: ModelSpec, options: OnnxModelOptions): Promise<OnnxAcousticModel> {
  const session = await cachedSession(
    options.modelPath,
    cpuSessionOptions(options.threads ?? availableParallelism()),
  );
  if (!session.inputNames.includes(INPUT_NAME) || !session.outputNames.includes(OUTPUT_NAME)) {
    throw new AlignError(
      'MODEL',
      `${options.modelPath} must take "${INPUT_NAME}" and give "${OUTPUT_NAME}" ` +
        '(see docs/model-directory.md); it takes ' +
        `[${session.inputNames.join(', ')}] and gives [${session.outputNames.join(', ')}]`,
    );
  }
  return new OnnxAcousticModel(spec, session, options);
}

/** wav2vec2 CTC inference with onnxruntime-node over overlapping windows. */
export class OnnxAcousticModel implements AcousticModel {
  public readonly backend = 'cpu' as const;
  public readonly quantized: boolean;
  private readonly window: WindowOptions;

  public constructor(
    public readonly spec: ModelSpec,
    private readonly session: InferenceSession,
    options: OnnxModelOptions,
  ) {
    this.quantized = options.quantized;
    this.window = options.window ?? DEFAULT_WINDOW;
  }

  /** Log-probabilities for the whole file, windowed so memory and attention cost stay bounded. */
  public async logProbs(
    samples: Float32Array,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Emissions> {
    const normalization = this.spec.doNormalize ? utteranceNormalization(samples) : undefined;
    const plan = planWindows(samples.length, this.spec.convLayers, this.spec.sampleRate, this.window);
    const { logits, frames, vocab } = await computeWindowedLogits(
      samples,
      plan,
      (windows) => this.run(windows, normalization),
      {
        batchSize: 1,
        maxInFlight: 1,
        expectedFrames: (length) => framesForSamples(this.spec.convLayers, length),
        onProgress,
      },
    );
    return logSoftmax(logits, frames, vocab);
  }

  private async run(windows: Float32Array[], normalization: Normalization | undefined): Promise<BatchLogits> {
    const { batch, length } = stackWindows(windows, normalization);
    let output: Tensor | undefined;
    try {
      const result = await this.session.run({
        [INPUT_NAME]: new Tensor('float32', batch, [windows.length, length]),
      });
      output = result[OUTPUT_NAME];
    } catch (error) {
      throw new AlignError('MODEL', `inference failed: ${(error as Error).message}`, { cause: error });
    }
    if (output === undefined || output.type !== 'float32' || output.dims.length !== 3) {
      throw new AlignError(
        'MODEL',
        `the model's "${OUTPUT_NAME}" output must be float32 [batch, frames, vocab]`,
      );
    }
    const [batchSize, frames, vocab] = output.dims as [number, number, number];
    const data = output.data as Float32Array;
    return {
      logits: Array.from({ length: batchSize }, (_, i) =>
        data.subarray(i * frames * vocab, (i + 1) * frames * vocab),
      ),
      frames,
      vocab,
    };
  }
}
