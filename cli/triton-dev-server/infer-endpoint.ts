import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME } from '../../shared/model/graph-contract';
import { type ModelSpec, samplesForFrames } from '../../shared/model/model-spec';
import { decodeFloat16, encodeFloat16 } from '../../shared/triton/float16';
import {
  BYTES_PER_ELEMENT,
  encodeInferenceBody,
  type FloatDatatype,
  type FloatTensor,
  InferenceBodyError,
  isRecord,
  readTensors,
  splitInferenceBody,
  tensorBytes,
} from '../../shared/triton/inference-protocol';
import { type TritonFaults, takeFault } from './dev-faults';

/** The binary extension keeps JSON headers small; a larger one is refused before parsing. */
const MAX_BINARY_HEADER = 64 * 1024;

/** What an inference request may be: batch and window bounds of the served model. */
export interface InferLimits {
  modelName: string;
  maxBatchSize: number;
  maxSamples: number;
  maxBodyBytes: number;
}

/** A parsed, validated inference request. */
export interface InferCall {
  id: unknown;
  input: FloatTensor;
  binaryOutput: boolean;
}

/** A reply body and its content headers. */
export interface InferReply {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Validates a KServe v2 inference body against the served model (one `input_values` FP32/FP16 tensor of shape
 * [batch <= max_batch_size, samples], `logits` the only output); throws InferenceBodyError (HTTP 400).
 */
export function parseInferRequest(
  body: Buffer,
  headerLength: string | undefined,
  spec: ModelSpec,
  limits: InferLimits,
): InferCall {
  const { header, binary } = splitInferenceBody(
    body,
    headerLength,
    headerLength === undefined ? limits.maxBodyBytes : MAX_BINARY_HEADER,
  );
  const inputs = header.inputs;
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    throw new InferenceBodyError(
      `expected 1 input "${INPUT_NAME}", got ${Array.isArray(inputs) ? inputs.length : 0}`,
    );
  }
  const [input] = readTensors(inputs, binary, 'inputs') as [FloatTensor];
  if (input.name !== INPUT_NAME) {
    throw new InferenceBodyError(
      `unexpected inference input '${input.name}' for model '${limits.modelName}'`,
    );
  }
  const [batch, samples] = input.shape;
  const minSamples = samplesForFrames(spec.convLayers, 1);
  if (
    input.shape.length !== 2 ||
    batch === undefined ||
    samples === undefined ||
    batch < 1 ||
    batch > limits.maxBatchSize ||
    samples < minSamples ||
    samples > limits.maxSamples
  ) {
    throw new InferenceBodyError(
      `input '${INPUT_NAME}' must have shape [batch 1..${limits.maxBatchSize}, samples ${minSamples}..${limits.maxSamples}], got [${input.shape.join(',')}]`,
    );
  }
  return { id: header.id, input, binaryOutput: wantsBinaryOutput(header, limits.modelName) };
}

/** Runs the batch through ONNX Runtime and encodes Triton's reply, with any due reply fault applied. */
export async function runInfer(
  session: InferenceSession,
  call: InferCall,
  limits: InferLimits,
  faults: TritonFaults,
): Promise<InferReply> {
  const result = await session.run({
    [INPUT_NAME]: new Tensor('float32', call.input.data, call.input.shape),
  });
  const logits = result[OUTPUT_NAME];
  if (logits === undefined || logits.type !== 'float32') {
    throw new Error(`the model gave no float32 "${OUTPUT_NAME}"`);
  }
  // A served fp16 input means an fp16 model: answer in its datatype, as Triton would.
  const datatype: FloatDatatype = call.input.datatype;
  const output: FloatTensor = {
    name: OUTPUT_NAME,
    datatype,
    shape: [...logits.dims],
    data: logits.data as Float32Array,
  };
  const declaredShape = takeFault(faults, 'mismatchShapeTimes')
    ? output.shape.map((size, axis) => (axis === 1 ? size + 1 : size))
    : output.shape;
  const header = {
    model_name: limits.modelName,
    model_version: '1',
    ...(typeof call.id === 'string' ? { id: call.id } : {}),
    outputs: [
      {
        name: OUTPUT_NAME,
        datatype,
        shape: declaredShape,
        ...(call.binaryOutput
          ? { parameters: { binary_data_size: output.data.length * BYTES_PER_ELEMENT[datatype] } }
          : { data: Array.from(datatype === 'FP16' ? roundTripHalf(output) : output.data) }),
      },
    ],
  };
  if (!call.binaryOutput) {
    return { body: Buffer.from(JSON.stringify(header)), headers: { 'content-type': 'application/json' } };
  }
  let bytes = tensorBytes(output);
  if (takeFault(faults, 'truncateBinaryTimes')) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
  const { body, headerLength } = encodeInferenceBody(header, [bytes]);
  return {
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    },
  };
}

/** Request-level `binary_data_output`, or `binary_data` on the requested output; only `logits` may be asked. */
function wantsBinaryOutput(header: Record<string, unknown>, modelName: string): boolean {
  const requestLevel = isRecord(header.parameters) && header.parameters.binary_data_output === true;
  const outputs = header.outputs;
  if (outputs === undefined) return requestLevel;
  if (!Array.isArray(outputs)) throw new InferenceBodyError('"outputs" must be a list');
  let binary = requestLevel;
  for (const output of outputs) {
    if (!isRecord(output) || output.name !== OUTPUT_NAME) {
      const name = isRecord(output) ? String(output.name) : JSON.stringify(output);
      throw new InferenceBodyError(`unexpected inference output '${name}' for model '${modelName}'`);
    }
    if (isRecord(output.parameters) && typeof output.parameters.binary_data === 'boolean') {
      binary = output.parameters.binary_data;
    }
  }
  return binary;
}

/** Values as an fp16 model would give them, for a JSON reply. */
function roundTripHalf(tensor: FloatTensor): Float32Array {
  return decodeFloat16(encodeFloat16(tensor.data));
}
