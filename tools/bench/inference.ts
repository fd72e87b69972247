import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  type CpuInt8Support,
  cpuInt8Support,
  describeCpuInt8,
} from '../../shared/inference/cpu-int8-support';
import { normalizeAudio } from '../../shared/inference/normalize-audio';
import { DEFAULT_WINDOW, planWindows, type WindowOptions } from '../../shared/inference/window-plan';
import { computeWindowedLogits } from '../../shared/inference/windowed-logits';
import { compareOutputs } from '../../shared/model/graph-probe';
import { framesForSamples } from '../../shared/model/model-spec';
import { INT8_VARIANTS, type Int8Variant, int8VariantFor } from '../../shared/model/quantize/int8-variant';
import { quantizeModel } from '../../shared/model/quantize/quantize-dynamic';
import { ensureBaseModel } from '../models/ensure-base-model';
import {
  forwardWork,
  int8Bound,
  int8CeilingFor,
  sumWork,
  WAV2VEC2_BASE,
  type Wav2vec2Geometry,
} from './int8-ceiling';
import { loadAverage } from './load-average';
import { sampleUtterances } from './sample-utterances';
import { wordBoundaryShift } from './word-boundary-shift';

const ROOT = join(__dirname, '..', '..');
const SAMPLE_RATE = 16_000;
const THREADS = 2;
/** Both benchmarked models' CTC vocabulary. */
const VOCAB = 32;
/** wav2vec2's feature extractor; both benchmarked models share it. */
const CONV_LAYERS = WAV2VEC2_BASE.convLayers;
const BASE_NAME = 'wav2vec2-base (random weights)';
/** A precision under test: float32 (no `int8`) or one of the int8 variants. */
interface Variant {
  label: string;
  int8?: Int8Variant;
}

/** fp32 first: it is the reference of speed-up and agreement. W2V2_QUANTIZE=true runs the variant chosen for the CPU. */
const VARIANTS: readonly Variant[] = [
  { label: 'fp32' },
  ...Object.values(INT8_VARIANTS).map((int8) => ({ label: `int8 ${int8.name}`, int8 })),
];
/** Windows (length, context per side) measured on a minute of audio, to pick the default from. */
const WINDOWS_TRIED: readonly WindowOptions[] = [
  { windowSec: 10, contextSec: 1 },
  { windowSec: 15, contextSec: 1 },
  { windowSec: 15, contextSec: 2 },
  { windowSec: 20, contextSec: 2 },
  { windowSec: 30, contextSec: 2 },
];
/** A case stops adding interleaved fp32/int8 rounds once it has used this much time (at least one round). */
const CASE_BUDGET_MS = 20_000;
const MAX_ROUNDS = 3;
/** Cases not started by then are skipped with a note, so a loaded machine cannot stretch the run indefinitely. */
const TOTAL_BUDGET_MS = 210_000;

interface BenchCase {
  audioSec: number;
  /** Window length and context in seconds; a window of audioSec is one pass over the whole file. */
  window: WindowOptions;
  /** Only fp32 and the int8 variant chosen for this CPU, to leave time for enough rounds of the long cases. */
  productOnly?: boolean;
}

interface ModelUnderTest {
  name: string;
  fp32Path: string;
  cases: BenchCase[];
  /** Compare the aligner's word boundaries on the sample utterances (a trained model only). */
  checkBoundaries: boolean;
  /** The architecture, to compute the int8 ceiling from; none for the demo model, whose shapes differ. */
  geometry?: Wav2vec2Geometry;
}

interface Row {
  model: string;
  precision: string;
  audioSec: number;
  window: WindowOptions;
  rtf: number;
  /** The best int8 RTF this CPU allows for the case (int8Bound from the fp32 time); undefined for fp32. */
  ceilingRtf: number | undefined;
  /** CPU seconds (all threads) per audio second: the work done, which machine load does not inflate. */
  cpuPerSec: number;
  speedUp: number;
  agreement: number;
  sessionMs: number;
}

/** `npm run bench` part: fp32 vs int8 ONNX Runtime inference on wav2vec2-base and the demo model. */
export async function runInferenceBench(): Promise<void> {
  const cpu = cpuInt8Support();
  process.stdout.write(
    `\n## Inference: fp32 vs int8 (onnxruntime-node, ${THREADS} intra-op threads, ${cpus().length} CPUs, ` +
      `load ${loadAverage()}, ${new Date().toISOString()})\n` +
      'RTF = best wall time / audio length over interleaved rounds; CPU s/s = CPU time of all threads / audio length;\n' +
      "speed-up = best fp32 wall time / best wall time; agreement = frames whose argmax equals fp32's;\n" +
      `window = length (+ context per side) in s; ceiling = the int8 RTF this CPU allows: the fp32 time with every\n` +
      `multiply-add but the waveform convolution's ${int8CeilingFor(cpu)}x faster (int8Bound); achieved = ceiling / RTF.\n` +
      `CPU: ${describeCpuInt8(cpu)}; int8 variant chosen at load: ${int8VariantFor(cpu).name}\n`,
  );
  const models: ModelUnderTest[] = [];
  const demo = join(ROOT, 'models', 'demo-en', 'model.onnx');
  if (existsSync(demo)) {
    models.push({
      name: 'demo-en',
      fp32Path: demo,
      checkBoundaries: true,
      cases: [
        { audioSec: 10, window: { windowSec: 10, contextSec: 0 } },
        { audioSec: 60, window: DEFAULT_WINDOW },
      ],
    });
  } else {
    process.stdout.write('note: demo-en skipped: models/demo-en/model.onnx is not there yet\n');
  }
  const base = await ensureBaseModel();
  if (base.ok) {
    models.push({
      name: BASE_NAME,
      fp32Path: join(base.dir, 'model.onnx'),
      checkBoundaries: false,
      geometry: WAV2VEC2_BASE,
      cases: [
        { audioSec: 10, window: { windowSec: 10, contextSec: 0 } },
        ...WINDOWS_TRIED.map((window) => ({ audioSec: 60, window, productOnly: true })),
      ],
    });
  } else {
    process.stdout.write(`note: wav2vec2-base skipped: ${base.reason}\n`);
  }
  const speech = await speechSamples();
  const deadline = performance.now() + TOTAL_BUDGET_MS;
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const model of models) rows.push(...(await benchModel(model, speech, deadline, notes, cpu)));
  process.stdout.write(table(rows) + notes.join(''));
}

async function benchModel(
  model: ModelUnderTest,
  speech: Float32Array,
  deadline: number,
  notes: string[],
  cpu: CpuInt8Support,
): Promise<Row[]> {
  const chosen = int8VariantFor(cpu);
  const options: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const sessions: { label: string; session: InferenceSession; sessionMs: number }[] = [];
  const rows: Row[] = [];
  try {
    // Created one after the other from files in a warm page cache: what a warm Lambda container pays per model.
    for (const variant of VARIANTS) {
      const path = variant.int8 === undefined ? model.fp32Path : await int8Model(model, variant.int8);
      const started = performance.now();
      const session = await InferenceSession.create(path, options);
      sessions.push({ label: variant.label, session, sessionMs: performance.now() - started });
    }
    for (const { audioSec, window, productOnly } of model.cases) {
      if (performance.now() > deadline) {
        process.stdout.write(
          `note: ${model.name} ${audioSec} s / ${window.windowSec} s window skipped: time budget used\n`,
        );
        continue;
      }
      const audio = normalizeAudio(loop(speech, audioSec * SAMPLE_RATE));
      const inCase = sessions.filter(
        (session, i) => !productOnly || i === 0 || session.label === `int8 ${chosen.name}`,
      );
      const measured = inCase.map((variant) => ({
        variant,
        ms: [] as number[],
        cpuMs: [] as number[],
        logits: new Float32Array(0) as Float32Array<ArrayBufferLike>,
      }));
      const caseStarted = performance.now();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (round > 0 && performance.now() - caseStarted > CASE_BUDGET_MS) break;
        for (const run of measured) {
          const result = await timedLogits(run.variant.session, audio, window);
          run.ms.push(result.ms);
          run.cpuMs.push(result.cpuMs);
          run.logits = result.logits;
        }
      }
      // fp32 (the first variant) is what every precision is compared with.
      const [reference] = measured;
      if (reference === undefined) continue;
      const ceilingRtf =
        model.geometry === undefined
          ? undefined
          : int8CeilingRtf(model.geometry, audio.length, window, Math.min(...reference.ms) / 1000, cpu);
      for (const run of measured) {
        rows.push({
          model: model.name,
          precision: run.variant.label + (run.variant.label === `int8 ${chosen.name}` ? ' (chosen)' : ''),
          audioSec,
          window,
          rtf: Math.min(...run.ms) / 1000 / audioSec,
          ceilingRtf: run.variant.label === 'fp32' ? undefined : ceilingRtf,
          cpuPerSec: Math.min(...run.cpuMs) / 1000 / audioSec,
          speedUp: Math.min(...reference.ms) / Math.min(...run.ms),
          agreement: compareOutputs(
            { frames: reference.logits.length / VOCAB, vocab: VOCAB, logits: reference.logits },
            { frames: run.logits.length / VOCAB, vocab: VOCAB, logits: run.logits },
          ).argmaxAgreement,
          sessionMs: run.variant.sessionMs,
        });
      }
    }
    const [fp32, ...int8] = sessions;
    if (model.checkBoundaries && fp32 !== undefined) {
      for (const { label, session } of int8) {
        const shift = await wordBoundaryShift(
          join(model.fp32Path, '..'),
          join(ROOT, 'samples'),
          fp32.session,
          session,
        );
        if (shift === undefined) continue;
        notes.push(
          `${model.name} ${label}: aligned word boundaries vs fp32 over the ${shift.words} words of samples/: ` +
            `${shift.boundariesMoved} of ${shift.words * 2} starts/ends moved, ` +
            `max ${shift.maxShiftMs.toFixed(0)} ms, mean ${shift.meanShiftMs.toFixed(1)} ms\n`,
        );
      }
    }
  } finally {
    await Promise.all(sessions.map(({ session }) => session.release()));
  }
  return rows;
}

/** The best int8 RTF the CPU allows for one case, from its measured fp32 time (see int8Bound). */
function int8CeilingRtf(
  geometry: Wav2vec2Geometry,
  samples: number,
  window: WindowOptions,
  fp32Seconds: number,
  cpu: CpuInt8Support,
): number {
  const plan = planWindows(samples, geometry.convLayers, SAMPLE_RATE, window);
  const work = sumWork(plan.windows.map((w) => forwardWork(geometry, w.sampleEnd - w.sampleStart)));
  return int8Bound(work, fp32Seconds, int8CeilingFor(cpu)).minSeconds / (samples / SAMPLE_RATE);
}

/** An int8 copy of the model: the variant's shipped file, else a cached quantization with the variant's options. */
async function int8Model(model: ModelUnderTest, variant: Int8Variant): Promise<string> {
  const shipped = join(model.fp32Path, '..', variant.file);
  if (existsSync(shipped)) return shipped;
  const cacheDir = join(ROOT, '.cache', 'bench');
  const key = `${model.name}-int8-${variant.name}`.replace(/[^a-z0-9-]+/gi, '_');
  const cached = join(cacheDir, `${key}.onnx`);
  const options = join(cacheDir, `${key}.options.json`);
  const wanted = JSON.stringify(variant.options);
  const fresh =
    existsSync(cached) &&
    statSync(cached).mtimeMs >= statSync(model.fp32Path).mtimeMs &&
    existsSync(options) &&
    readFileSync(options, 'utf8') === wanted;
  if (!fresh) {
    const started = performance.now();
    const { model: bytes, report } = quantizeModel(readFileSync(model.fp32Path), variant.options);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached, bytes);
    writeFileSync(options, wanted);
    const { matMul, gemm, conv } = report.rewritten;
    process.stdout.write(
      `${model.name} int8 ${variant.name}: quantized in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${matMul} MatMul, ${gemm} Gemm, ${conv} Conv rewritten, ${report.skipped.length} kept fp32, ` +
        `${(report.bytesBefore / 1e6).toFixed(0)} MB -> ${(report.bytesAfter / 1e6).toFixed(0)} MB\n`,
    );
  }
  return cached;
}

async function timedLogits(
  session: InferenceSession,
  audio: Float32Array,
  window: WindowOptions,
): Promise<{ ms: number; cpuMs: number; logits: Float32Array }> {
  const plan = planWindows(audio.length, CONV_LAYERS, SAMPLE_RATE, window);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = await computeWindowedLogits(
    audio,
    plan,
    async ([window]) => {
      if (window === undefined) throw new Error('a batch of one window came without its window');
      const output = (await session.run({ input_values: new Tensor('float32', window, [1, window.length]) }))
        .logits;
      if (output === undefined) throw new Error('the model has no "logits" output');
      // [1, frames, vocab]; a missing dimension reads as 0 frames, which the frame-count check refuses.
      const [, frames = 0, vocab = 0] = output.dims;
      return { logits: [output.data as Float32Array], frames, vocab };
    },
    { batchSize: 1, maxInFlight: 1, expectedFrames: (samples) => framesForSamples(CONV_LAYERS, samples) },
  );
  const ms = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpuStarted);
  return { ms, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000, logits: result.logits };
}

/** Speech to feed the models: the repository's sample utterances, or a voiced synthetic signal without them. */
async function speechSamples(): Promise<Float32Array> {
  const parts = (await sampleUtterances(SAMPLE_RATE)).map((utterance) => utterance.samples);
  if (parts.length > 0) return concat(parts);
  process.stdout.write('note: samples/*.wav missing; feeding a synthetic voiced signal instead of speech\n');
  return Float32Array.from({ length: 8 * SAMPLE_RATE }, (_, i) => {
    const t = i / SAMPLE_RATE;
    const envelope = Math.max(0, Math.sin(Math.PI * 3 * t)) ** 2;
    return envelope * (0.5 * Math.sin(2 * Math.PI * 140 * t) + 0.25 * Math.sin(2 * Math.PI * 620 * t));
  });
}

function loop(source: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += source.length)
    out.set(source.subarray(0, Math.min(source.length, length - i)), i);
  return out;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function table(rows: readonly Row[]): string {
  const header = [
    'model',
    'precision',
    'audio s',
    'window s',
    'RTF',
    'ceiling',
    'achieved',
    'CPU s/s',
    'speed-up',
    'argmax agree',
    'session ms',
  ];
  const cells = rows.map((r) => [
    r.model,
    r.precision,
    String(r.audioSec),
    r.window.windowSec >= r.audioSec
      ? `${r.audioSec} (one pass)`
      : `${r.window.windowSec} (+${r.window.contextSec})`,
    r.rtf.toFixed(3),
    r.ceilingRtf === undefined ? '' : r.ceilingRtf.toFixed(3),
    r.ceilingRtf === undefined ? '' : `${((r.ceilingRtf / r.rtf) * 100).toFixed(0)}%`,
    r.cpuPerSec.toFixed(3),
    `${r.speedUp.toFixed(2)}x`,
    `${(r.agreement * 100).toFixed(1)}%`,
    r.sessionMs.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |\n`;
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + cells.map(line).join('');
}
