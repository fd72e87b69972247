import { availableParallelism } from 'node:os';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AlignError } from '../errors';
import { cpuSessionOptions } from '../inference/execution-settings';
import { createSession } from '../inference/onnx-session-cache';
import { INPUT_NAME, OUTPUT_NAME } from './graph-contract';

/** One run of the graph: its logits, frame-major. */
export interface ProbeOutput {
  frames: number;
  vocab: number;
  logits: Float32Array;
}

/** How closely two runs of the same input agree. */
interface LogitsAgreement {
  /** Share of frames whose most likely token is the same. */
  argmaxAgreement: number;
  /** Largest difference of one token's probability in one frame. */
  maxProbabilityDelta: number;
}

/** Opens a graph on its own session (not the process-wide cache, so checking many folders holds none of them). */
export function openGraph(path: string): Promise<InferenceSession> {
  return createSession(path, cpuSessionOptions(availableParallelism()));
}

/** What is wrong with a graph's declared input and output (names, types, ranks); empty when it fits. */
export function graphInterfaceProblems(session: InferenceSession): string[] {
  const problems: string[] = [];
  const input = session.inputMetadata.find((value) => value.name === INPUT_NAME);
  if (input === undefined) {
    problems.push(`it takes [${session.inputNames.join(', ')}], not "${INPUT_NAME}"`);
  } else if (!fitsTensor(input, 2)) {
    problems.push(`"${INPUT_NAME}" is ${describeValue(input)}; it must be float32 [batch, samples]`);
  } else if (isFixed(input.shape[1])) {
    problems.push(`"${INPUT_NAME}" takes exactly ${input.shape[1]} samples; its length axis must be dynamic`);
  }
  const extra = session.inputNames.filter((name) => name !== INPUT_NAME);
  // Without input_values, the line above already names every input the graph takes.
  if (input !== undefined && extra.length > 0)
    problems.push(`it also needs [${extra.join(', ')}], which the project never feeds`);
  const output = session.outputMetadata.find((value) => value.name === OUTPUT_NAME);
  if (output === undefined) {
    problems.push(`it gives [${session.outputNames.join(', ')}], not "${OUTPUT_NAME}"`);
  } else if (!fitsTensor(output, 3)) {
    problems.push(`"${OUTPUT_NAME}" is ${describeValue(output)}; it must be float32 [batch, frames, vocab]`);
  }
  return problems;
}

/** The graph's input and output as `name type [dims]`, for reports. */
export function describeInterface(session: InferenceSession): string {
  const describe = (values: readonly InferenceSession.ValueMetadata[]) =>
    values.map((value) => `${value.name} ${describeValue(value)}`).join(', ');
  return `${describe(session.inputMetadata)} -> ${describe(session.outputMetadata)}`;
}

/** Runs one signal (batch of one) through a graph that fits the contract. */
export async function runGraph(session: InferenceSession, signal: Float32Array): Promise<ProbeOutput> {
  let output: Tensor | undefined;
  try {
    const result = await session.run({ [INPUT_NAME]: new Tensor('float32', signal, [1, signal.length]) });
    output = result[OUTPUT_NAME];
  } catch (error) {
    throw new AlignError('MODEL', `inference failed: ${(error as Error).message}`, { cause: error });
  }
  if (output === undefined || output.type !== 'float32' || output.dims.length !== 3) {
    throw new AlignError('MODEL', `"${OUTPUT_NAME}" must be float32 [batch, frames, vocab]`);
  }
  const [, frames, vocab] = output.dims as [number, number, number];
  return { frames, vocab, logits: output.data as Float32Array };
}

/** Compares two runs of the same input with the same shape, as probabilities (softmax of each frame). */
export function compareOutputs(a: ProbeOutput, b: ProbeOutput): LogitsAgreement {
  let agreeing = 0;
  let maxProbabilityDelta = 0;
  for (let t = 0; t < a.frames; t++) {
    const pa = softmax(a.logits.subarray(t * a.vocab, (t + 1) * a.vocab));
    const pb = softmax(b.logits.subarray(t * b.vocab, (t + 1) * b.vocab));
    if (argmax(pa) === argmax(pb)) agreeing++;
    for (let v = 0; v < a.vocab; v++) {
      maxProbabilityDelta = Math.max(maxProbabilityDelta, Math.abs(pa[v]! - pb[v]!));
    }
  }
  return { argmaxAgreement: a.frames === 0 ? 1 : agreeing / a.frames, maxProbabilityDelta };
}

function fitsTensor(
  value: InferenceSession.ValueMetadata,
  rank: number,
): value is InferenceSession.TensorValueMetadata {
  return value.isTensor && value.type === 'float32' && value.shape.length === rank;
}

/** A dimension given as a positive number; symbolic names and -1 mean dynamic. */
function isFixed(dim: number | string | undefined): boolean {
  return typeof dim === 'number' && dim > 0;
}

function describeValue(value: InferenceSession.ValueMetadata): string {
  if (!value.isTensor) return 'not a tensor';
  return `${value.type} [${value.shape.map((dim) => (dim === '' ? '?' : String(dim))).join(', ')}]`;
}

function softmax(row: Float32Array): Float64Array {
  const max = row.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const exp = Float64Array.from(row, (x) => Math.exp(x - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((x) => x / sum);
}

function argmax(row: Float64Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}
