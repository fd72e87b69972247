import type { Emissions } from '../align/emissions';
import { logSoftmax } from '../align/log-softmax';
import type { AcousticModel } from '../inference/acoustic-model';
import { type Normalization, utteranceNormalization } from '../inference/normalize-audio';
import { DEFAULT_WINDOW, planWindows, type WindowOptions } from '../inference/window-plan';
import { type BatchLogits, computeWindowedLogits, stackWindows } from '../inference/windowed-logits';
import { INPUT_NAME, OUTPUT_NAME } from '../model/graph-contract';
import { framesForSamples, type ModelSpec } from '../model/model-spec';
import type { FloatDatatype } from './inference-protocol';
import {
  type ModelMetadata,
  type TensorMetadata,
  TritonClient,
  type TritonClientOptions,
} from './triton-client';
import { TritonModelError, TritonUnavailableError } from './triton-errors';

/** How the Triton backend reaches its server and feeds it. */
export interface TritonModelOptions extends TritonClientOptions {
  /** TRITON_MODEL. */
  modelName: string;
  /** Default: the server's choice. */
  modelVersion?: string;
  /** USE_FLOAT16 / USE_MIXED_PRECISION: send FP16 tensors (always done when the model's input is FP16). */
  float16?: boolean;
  /** TRITON_BINARY_DATA: binary tensor extension (default) or JSON tensors. */
  binaryData?: boolean;
  /** TRITON_BATCH_WINDOWS: windows per request. Default 4. */
  batchWindows?: number;
  /** TRITON_MAX_IN_FLIGHT: requests in flight at once. Default 2. */
  maxInFlight?: number;
  /** The same window plan as the CPU path unless told otherwise. */
  window?: WindowOptions;
}

const DEFAULT_BATCH_WINDOWS = 4;
const FLOAT_TYPES: readonly string[] = ['FP32', 'FP16'];

/**
 * Connects to Triton and checks that it serves a model fit for `spec` (server and model ready; `input_values`
 * FP32/FP16 [-1,-1] or [-1] with an implicit batch; `logits` whose last dimension is the vocabulary size).
 * Throws TRITON_UNAVAILABLE when the server cannot be reached, MODEL when the model does not fit.
 */
export async function openTritonModel(
  spec: ModelSpec,
  options: TritonModelOptions,
): Promise<TritonAcousticModel> {
  for (const name of ['batchWindows', 'maxInFlight'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new TritonModelError(`Triton option ${name} must be a positive integer, got ${value}`);
    }
  }
  const client = new TritonClient(options);
  try {
    if (!(await client.serverReady())) {
      throw new TritonUnavailableError(`Triton at ${options.url} is not ready`, false);
    }
    if (!(await client.modelReady(options.modelName, options.modelVersion))) {
      throw new TritonModelError(
        `Triton at ${options.url} has no ready model "${options.modelName}"${options.modelVersion === undefined ? '' : ` version ${options.modelVersion}`} (check TRITON_MODEL and the model repository)`,
      );
    }
    const metadata = await client.modelMetadata(options.modelName, options.modelVersion);
    const inputType = checkMetadata(metadata, spec);
    const datatype: FloatDatatype = options.float16 === true || inputType === 'FP16' ? 'FP16' : 'FP32';
    // Triton refuses a batch above max_batch_size; when the server says what it is, stay within it.
    const maxBatchSize = await client.modelMaxBatchSize(options.modelName, options.modelVersion);
    const wanted = options.batchWindows ?? DEFAULT_BATCH_WINDOWS;
    const batchWindows =
      maxBatchSize === undefined || maxBatchSize === 0 ? wanted : Math.min(wanted, maxBatchSize);
    return new TritonAcousticModel(spec, client, datatype, { ...options, batchWindows });
  } catch (error) {
    client.close();
    throw error;
  }
}

/** wav2vec2 CTC emissions computed by a Triton server, windowed and stitched exactly like the CPU path. */
export class TritonAcousticModel implements AcousticModel {
  public readonly backend = 'triton' as const;
  public readonly quantized = false;

  public constructor(
    public readonly spec: ModelSpec,
    /** The HTTPS client, whose `stats` count requests and bytes. */
    public readonly client: TritonClient,
    /** The tensor datatype sent: FP16 when asked for or when the model takes it. */
    public readonly datatype: FloatDatatype,
    private readonly options: TritonModelOptions,
  ) {}

  /** Windows per request: TRITON_BATCH_WINDOWS, capped by the model's max_batch_size when the server tells it. */
  public get batchWindows(): number {
    return this.options.batchWindows ?? DEFAULT_BATCH_WINDOWS;
  }

  /** Log-probabilities for the whole file: several windows per request, several requests in flight. */
  public async logProbs(
    samples: Float32Array,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Emissions> {
    const normalization = this.spec.doNormalize ? utteranceNormalization(samples) : undefined;
    const plan = planWindows(
      samples.length,
      this.spec.convLayers,
      this.spec.sampleRate,
      this.options.window ?? DEFAULT_WINDOW,
    );
    const { logits, frames, vocab } = await computeWindowedLogits(
      samples,
      plan,
      (windows) => this.run(windows, normalization),
      {
        batchSize: this.batchWindows,
        maxInFlight: this.options.maxInFlight ?? 2,
        expectedFrames: (length) => framesForSamples(this.spec.convLayers, length),
        onProgress,
      },
    );
    return logSoftmax(logits, frames, vocab);
  }

  /** Closes the client's kept-alive connections. */
  public close(): void {
    this.client.close();
  }

  private async run(windows: Float32Array[], normalization: Normalization | undefined): Promise<BatchLogits> {
    const { batch, length } = stackWindows(windows, normalization);
    const vocab = this.spec.vocabulary.size;
    const frames = framesForSamples(this.spec.convLayers, length);
    const result = await this.client.infer(
      this.options.modelName,
      {
        inputs: [{ name: INPUT_NAME, datatype: this.datatype, shape: [windows.length, length], data: batch }],
        outputs: [{ name: OUTPUT_NAME, maxElements: windows.length * frames * vocab }],
        binaryData: this.options.binaryData ?? true,
      },
      this.options.modelVersion,
    );
    const output = result.outputs.find((tensor) => tensor.name === OUTPUT_NAME);
    if (output === undefined) throw new TritonModelError(`Triton's reply has no "${OUTPUT_NAME}" output`);
    const [batchSize, outFrames, outVocab] = output.shape;
    if (output.shape.length !== 3 || batchSize !== windows.length || outVocab !== vocab) {
      throw new TritonModelError(
        `Triton's "${OUTPUT_NAME}" has shape [${output.shape.join(',')}]; expected [${windows.length}, frames, ${vocab}]`,
      );
    }
    const size = (outFrames ?? 0) * vocab;
    return {
      logits: Array.from({ length: batchSize }, (_, i) => output.data.subarray(i * size, (i + 1) * size)),
      frames: outFrames ?? 0,
      vocab,
    };
  }
}

/** The input datatype, once the metadata is known to fit the model directory. */
function checkMetadata(metadata: ModelMetadata, spec: ModelSpec): FloatDatatype {
  const vocab = spec.vocabulary.size;
  const input = metadata.inputs.find((tensor) => tensor.name === INPUT_NAME);
  const output = metadata.outputs.find((tensor) => tensor.name === OUTPUT_NAME);
  const describe = (tensor: TensorMetadata | undefined): string =>
    tensor === undefined ? 'missing' : `${tensor.datatype} [${tensor.shape.join(',')}]`;
  const inputFits =
    input !== undefined &&
    FLOAT_TYPES.includes(input.datatype) &&
    (sameShape(input.shape, [-1, -1]) || sameShape(input.shape, [-1]));
  const outputFits =
    output !== undefined &&
    FLOAT_TYPES.includes(output.datatype) &&
    (sameShape(output.shape, [-1, -1, vocab]) || sameShape(output.shape, [-1, vocab]));
  if (!inputFits || !outputFits) {
    throw new TritonModelError(
      `Triton model "${metadata.name}" does not fit model directory "${spec.name}": expected input "${INPUT_NAME}" ` +
        `FP32/FP16 [-1,-1] and output "${OUTPUT_NAME}" FP32/FP16 [-1,-1,${vocab}] (vocabulary size ${vocab}); ` +
        `it has input ${describe(input)} and output ${describe(output)}`,
    );
  }
  return input.datatype as FloatDatatype;
}

function sameShape(actual: readonly number[], expected: readonly number[]): boolean {
  return actual.length === expected.length && actual.every((size, i) => size === expected[i]);
}
