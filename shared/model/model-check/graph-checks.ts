import { basename } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { AlignError } from '../../errors';
import { cpuInt8Support } from '../../inference/cpu-int8-support';
import { normalizeAudio } from '../../inference/normalize-audio';
import {
  compareOutputs,
  describeInterface,
  graphInterfaceProblems,
  openGraph,
  type ProbeOutput,
  runGraph,
} from '../graph-probe';
import { framesForSamples, type ModelSpec } from '../model-spec';
import { INT8_VARIANTS, int8VariantFor } from '../quantize/int8-variant';
import { type CheckResult, ok, problem, skipped, warning } from './check-result';
import type { FolderLayout } from './folder-checks';

/** The probe signals' lengths: two, so a wrong frame stride shows even where one length happens to fit. */
const PROBE_SECONDS = [1, 1.5] as const;

/**
 * Below this share of probe frames with the same most likely token, the int8 copy is not the fp32 model:
 * the project's quantizer keeps 97–98% on wav2vec2-base (docs/benchmarks.md#inference), and random weights on
 * noise, whose nearly flat frames flip most easily, still 92–99%.
 */
const MIN_ARGMAX_AGREEMENT = 0.9;

/**
 * Above this, one token's probability in one frame moved further than int8 rounding moves it: 0.002–0.005 on
 * the probe for the demo model and wav2vec2-base.
 */
const MAX_PROBABILITY_DELTA = 0.1;

const GRAPH_DOCS = 'docs/model-directory.md#graph-input-and-output';
const REQUANTIZE =
  'quantize it again (`w2v2-align quantize model.onnx model.int8.onnx`, or `model.int8-dot.onnx --variant dot-product`), or delete it';

/** One probe signal and what the graph made of it. */
export interface ProbeRun {
  seconds: number;
  samples: number;
  output: ProbeOutput;
}

/** `graph`: the graph loads and its input and output fit the contract. The session stays open for the probe. */
export async function checkGraph(
  layout: FolderLayout,
): Promise<{ result: CheckResult; session?: InferenceSession }> {
  const path = layout.fp32 ?? layout.int8.portable;
  if (path === undefined) return { result: skipped('graph', 'a graph file') };
  const opened = await openChecked(path);
  if ('failure' in opened) {
    return { result: problem('graph', [opened.failure], `export the graph again (${GRAPH_DOCS})`) };
  }
  const { session } = opened;
  const found = [`${basename(path)}: ${describeInterface(session)}`];
  const problems = graphInterfaceProblems(session);
  if (problems.length > 0) {
    await session.release();
    return {
      result: problem(
        'graph',
        [...found, ...problems],
        'export with input name "input_values", output name "logits" and dynamic batch and length axes ' +
          `(${GRAPH_DOCS})`,
      ),
    };
  }
  return { result: ok('graph', found), session };
}

/** `probe`: the graph runs on 1 s and 1.5 s of noise, prepared as the pipeline prepares audio. */
export async function probeGraph(
  session: InferenceSession | undefined,
  spec: ModelSpec | undefined,
): Promise<{ result: CheckResult; runs?: ProbeRun[] }> {
  if (session === undefined) return { result: skipped('probe', 'the graph') };
  if (spec === undefined) return { result: skipped('probe', 'the settings') };
  const ran = await runProbes(session, spec);
  if ('failure' in ran) {
    return {
      result: problem(
        'probe',
        [ran.failure],
        `export the graph again in float32, with a dynamic length axis (${GRAPH_DOCS})`,
      ),
    };
  }
  const found = ran.runs.map(
    ({ seconds, samples, output }) =>
      `${seconds} s (${samples} samples) gives ${output.frames} frames × ${output.vocab} logits`,
  );
  return { result: ok('probe', found), runs: ran.runs };
}

/** `logits-width`: the logits have one score per vocab.json token. */
export function checkLogitsWidth(runs: ProbeRun[] | undefined, spec: ModelSpec | undefined): CheckResult {
  if (runs === undefined || spec === undefined) return skipped('logits-width', 'the probe');
  const width = runs[0]!.output.vocab;
  const found = [`logits are ${width} wide; vocab.json has ${spec.vocabulary.size} tokens`];
  if (width === spec.vocabulary.size) return ok('logits-width', found);
  return problem(
    'logits-width',
    found,
    'use the vocab.json exported with this graph: token ids must be the logits columns',
  );
}

/** `frame-count`: each probe gives the frames the convolution geometry of the settings predicts. */
export function checkFrameCount(runs: ProbeRun[] | undefined, spec: ModelSpec | undefined): CheckResult {
  if (runs === undefined || spec === undefined) return skipped('frame-count', 'the probe');
  const found = runs.map(({ seconds, samples, output }) => {
    const expected = framesForSamples(spec.convLayers, samples);
    return `${seconds} s: ${output.frames} frames, the geometry predicts ${expected}`;
  });
  const fits = runs.every(
    ({ samples, output }) => output.frames === framesForSamples(spec.convLayers, samples),
  );
  if (fits) return ok('frame-count', found);
  const [first, last] = [runs[0]!, runs.at(-1)!];
  const frames = last.output.frames - first.output.frames;
  if (frames > 0) {
    const stride = Math.round((last.samples - first.samples) / frames);
    found.push(`the graph moves about ${stride} samples a frame; the settings say ${spec.samplesPerFrame}`);
  }
  return problem(
    'frame-count',
    found,
    "set conv_kernel and conv_stride in config.json to the feature extractor's convolutions " +
      '(wav2vec2: [10, 3, 3, 3, 3, 2, 2] and [5, 2, 2, 2, 2, 2, 2])',
  );
}

/**
 * `int8`: each shipped int8 graph (model.int8.onnx, model.int8-dot.onnx) has the fp32 graph's interface and
 * agrees with it on the probe; the worst finding of the files decides the status.
 */
export async function checkInt8(
  layout: FolderLayout,
  spec: ModelSpec | undefined,
  fp32Runs: ProbeRun[] | undefined,
): Promise<CheckResult> {
  if (layout.int8.portable === undefined && layout.fp32 === undefined) return skipped('int8', 'a graph file');
  const shipped = Object.values(INT8_VARIANTS).flatMap(({ name, file }) => {
    const path = layout.int8[name];
    return path === undefined ? [] : [{ path, name: file }];
  });
  if (shipped.length === 0) {
    const variant = int8VariantFor(cpuInt8Support());
    return ok('int8', [
      `no model.int8.onnx: with quantization on, the int8 variant for this CPU (${variant.name}) is made from ` +
        'model.onnx on first use',
    ]);
  }
  if (layout.fp32 === undefined) {
    return ok('int8', [
      'model.int8.onnx is the only graph (checked above): there is no fp32 graph to compare',
    ]);
  }
  if (spec === undefined || fp32Runs === undefined) return skipped('int8', 'the probe of model.onnx');
  const results: CheckResult[] = [];
  for (const file of shipped) results.push(await checkInt8File(file.path, file.name, spec, fp32Runs));
  return worstOf(results);
}

/** One int8 graph against the fp32 probe runs. */
async function checkInt8File(
  path: string,
  name: string,
  spec: ModelSpec,
  fp32Runs: ProbeRun[],
): Promise<CheckResult> {
  const opened = await openChecked(path);
  if ('failure' in opened) return problem('int8', [opened.failure], REQUANTIZE);
  const { session } = opened;
  try {
    const interfaceProblems = graphInterfaceProblems(session);
    if (interfaceProblems.length > 0) {
      return problem('int8', [`${name}: ${describeInterface(session)}`, ...interfaceProblems], REQUANTIZE);
    }
    const ran = await runProbes(session, spec);
    if ('failure' in ran) return problem('int8', [`${name}: ${ran.failure}`], REQUANTIZE);
    const shapes = ran.runs.map((run, i) => [run.output, fp32Runs[i]!.output] as const);
    const mismatch = shapes.find(([int8, fp32]) => int8.frames !== fp32.frames || int8.vocab !== fp32.vocab);
    if (mismatch !== undefined) {
      const [int8, fp32] = mismatch;
      return problem(
        'int8',
        [
          `${name} gives ${int8.frames} frames × ${int8.vocab} where model.onnx gives ${fp32.frames} × ${fp32.vocab}`,
        ],
        REQUANTIZE,
      );
    }
    return int8Agreement(name, shapes);
  } finally {
    await session.release();
  }
}

/** The findings of several files as one check: every line, the worst status, the first fix and code. */
function worstOf(results: readonly CheckResult[]): CheckResult {
  const rank = { ok: 0, skipped: 1, warning: 2, problem: 3 } as const;
  const worst = results.reduce((a, b) => (rank[b.status] > rank[a.status] ? b : a));
  return { ...worst, found: results.flatMap((result) => result.found) };
}

/** Agreement over all probe frames together: the share with the same argmax, and the largest probability move. */
function int8Agreement(name: string, shapes: (readonly [ProbeOutput, ProbeOutput])[]): CheckResult {
  let agreeing = 0;
  let frames = 0;
  let maxDelta = 0;
  for (const [int8, fp32] of shapes) {
    const agreement = compareOutputs(fp32, int8);
    agreeing += agreement.argmaxAgreement * fp32.frames;
    frames += fp32.frames;
    maxDelta = Math.max(maxDelta, agreement.maxProbabilityDelta);
  }
  const share = frames === 0 ? 1 : agreeing / frames;
  const found = [
    `${name} picks model.onnx's most likely token in ${(share * 100).toFixed(1)}% of ${frames} probe ` +
      `frames; largest probability difference ${maxDelta.toFixed(3)}`,
  ];
  if (share >= MIN_ARGMAX_AGREEMENT && maxDelta <= MAX_PROBABILITY_DELTA) return ok('int8', found);
  return warning(
    'int8',
    [
      ...found,
      `expected at least ${MIN_ARGMAX_AGREEMENT * 100}% and at most ${MAX_PROBABILITY_DELTA}: ` +
        'is it a copy of this model.onnx?',
    ],
    REQUANTIZE,
  );
}

async function openChecked(path: string): Promise<{ session: InferenceSession } | { failure: string }> {
  try {
    return { session: await openGraph(path) };
  } catch (error) {
    if (error instanceof AlignError) return { failure: error.message };
    throw error;
  }
}

async function runProbes(
  session: InferenceSession,
  spec: ModelSpec,
): Promise<{ runs: ProbeRun[] } | { failure: string }> {
  const runs: ProbeRun[] = [];
  for (const seconds of PROBE_SECONDS) {
    const samples = Math.round(seconds * spec.sampleRate);
    const signal = probeSignal(samples);
    let output: ProbeOutput;
    try {
      output = await runGraph(session, spec.doNormalize ? normalizeAudio(signal) : signal);
    } catch (error) {
      if (error instanceof AlignError) return { failure: `${seconds} s of noise: ${error.message}` };
      throw error;
    }
    if (!output.logits.every(Number.isFinite)) {
      return { failure: `${seconds} s of noise gives logits that are NaN or infinite` };
    }
    runs.push({ seconds, samples, output });
  }
  return { runs };
}

/** Quiet white noise from a fixed seed, so every check of a model sees the same input. */
function probeSignal(samples: number): Float32Array {
  const signal = new Float32Array(samples);
  let state = 0x2545f491;
  for (let i = 0; i < samples; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    signal[i] = (state / 2 ** 32 - 0.5) * 0.2;
  }
  return signal;
}
