import { DEFAULTS } from '../../shared/config/app-config';
import { ConfigError } from '../../shared/errors';

/**
 * Sizing of the CPU Lambda from measurement (docs/deploy.md#cpu-lambda-sizing): its inference threads from the
 * vCPUs its memory buys, and the large-file thresholds from the measured real-time factor, memory per audio hour
 * and the function's timeout, rather than fixed numbers.
 */

/** Lambda gives "the equivalent of one vCPU (one vCPU-second of credits per second)" at 1,769 MB, in proportion. */
export const MB_PER_VCPU = 1769;

/**
 * What `npm run bench -- sizing` measured for wav2vec2-base (random weights, the `dot-product` int8 variant, the
 * default window) aligning 20 and 60 minutes of speech end to end through `w2v2-align align`, on a 2-core AMD EPYC
 * with AVX-512 VNNI (docs/benchmarks.md#sizing).
 */
export const MEASURED_BASE: Measured = {
  rtfOneThread: 0.114,
  rtfTwoThreads: 0.074,
  baseMemoryMb: 1190,
  memoryMbPerAudioHour: 640,
};

/** Speed and memory of one model on one machine, as the sizing bench prints them. */
export interface Measured {
  /** Wall seconds per audio second with one and with two intra-op threads. */
  rtfOneThread: number;
  rtfTwoThreads: number;
  /** Peak resident memory before any audio, and its growth per hour of audio. */
  baseMemoryMb: number;
  memoryMbPerAudioHour: number;
}

/**
 * The slowest host the thresholds are sized for, as a multiple of the measured time: Lambda's x86 hosts may lack
 * VNNI, where the portable int8 graph runs, measured on this project's machines at about 1.4x the chosen one.
 */
const HOST_MARGIN = 2;
/** Share of the timeout and of the memory the largest batch may plan to use; the rest absorbs decode, I/O and GC. */
const BUDGET_SHARE = 0.6;
/** Bytes per second of the largest common uncompressed input: 48 kHz 16-bit stereo WAV. */
const MAX_BYTES_PER_SEC = 48_000 * 2 * 2;
/** The thresholds' unit and least value. */
const MINUTE_SEC = 60;

/** The transformer of a model, from its config.json; wav2vec2-base's when the config does not say. */
export interface ModelSize {
  layers: number;
  hidden: number;
  feedForward: number;
}

/** wav2vec2-base, the architecture MEASURED_BASE comes from. */
const BASE_SIZE: ModelSize = { layers: 12, hidden: 768, feedForward: 3072 };

/** The vCPUs a memory size buys, as whole threads: memory / 1,769 MB rounded (6 at 10,240 MB), at least one. */
export function lambdaVcpus(memoryMb: number): number {
  return Math.max(1, Math.round(memoryMb / MB_PER_VCPU));
}

/** What the CPU Lambda is given: threads and large-file thresholds. */
export interface CpuSizing {
  threads: number;
  /** Estimated wall seconds per audio second on this many threads, as measured (no host margin). */
  rtf: number;
  largeFileThresholdSec: number;
  largeFileThresholdBytes: number;
}

/**
 * Threads for the vCPUs, and the longest file the function can take such that a whole batch of them
 * (`batchSize` files share the vCPUs) finishes within BUDGET_SHARE of the timeout on a host HOST_MARGIN times
 * slower than measured, and fits BUDGET_SHARE of the memory. Time scales with the transformer's per-frame
 * multiply-adds against wav2vec2-base's, never below it (the convolutional front-end does not shrink).
 * Throws ConfigError for a memory below minimumMemoryMb: not even one-minute files would fit.
 */
export function cpuSizing(props: {
  memoryMb: number;
  timeoutSec: number;
  batchSize: number;
  model?: ModelSize | undefined;
  measured?: Measured | undefined;
}): CpuSizing {
  const measured = props.measured ?? MEASURED_BASE;
  const least = minimumMemoryMb(props.batchSize, measured);
  if (props.memoryMb < least) {
    throw new ConfigError(
      `cpuMemoryMb must be at least ${least} to hold a batch of ${props.batchSize} one-minute files of a ` +
        `base-sized model (${Math.round(measured.baseMemoryMb)} MB plus ${Math.round(measured.memoryMbPerAudioHour)} ` +
        `MB per audio hour, in ${BUDGET_SHARE * 100}% of the memory), got ${props.memoryMb}`,
    );
  }
  const threads = lambdaVcpus(props.memoryMb);
  const rtf = amdahlRtf(measured, threads) * modelScale(props.model ?? BASE_SIZE);
  const byTime = (BUDGET_SHARE * props.timeoutSec) / (props.batchSize * rtf * HOST_MARGIN);
  const seconds = Math.min(
    DEFAULTS.MAX_AUDIO_DURATION_SEC,
    byTime,
    audioSecInMemory(props.memoryMb, props.batchSize, measured),
  );
  // Whole minutes: a threshold is read by people. Only time can ask for less than one (memory is checked above),
  // for a transformer some ten times wav2vec2-base's work on one vCPU.
  const largeFileThresholdSec = Math.max(MINUTE_SEC, Math.floor(seconds / MINUTE_SEC) * MINUTE_SEC);
  return {
    threads,
    rtf,
    largeFileThresholdSec,
    largeFileThresholdBytes: largeFileThresholdSec * MAX_BYTES_PER_SEC,
  };
}

/** The least memory in which a batch of `batchSize` one-minute files fits BUDGET_SHARE, in whole MB. */
export function minimumMemoryMb(batchSize: number, measured: Measured = MEASURED_BASE): number {
  return Math.ceil(
    (measured.baseMemoryMb + (batchSize * MINUTE_SEC * measured.memoryMbPerAudioHour) / 3600) / BUDGET_SHARE,
  );
}

/** Seconds of audio per file such that a batch of them fits BUDGET_SHARE of `memoryMb`. */
function audioSecInMemory(memoryMb: number, batchSize: number, measured: Measured): number {
  return (
    ((BUDGET_SHARE * memoryMb - measured.baseMemoryMb) / (batchSize * measured.memoryMbPerAudioHour)) * 3600
  );
}

/**
 * RTF on `threads` threads by Amdahl's law from the two measured points: rtf(n) = serial + parallel / n. Only
 * 1 and 2 threads can be measured here, so larger counts are extrapolated; the serial part (decoding, the
 * aligner's search, what ONNX Runtime does not spread) keeps the estimate from promising linear scaling.
 */
export function amdahlRtf(measured: Measured, threads: number): number {
  const parallel = 2 * (measured.rtfOneThread - measured.rtfTwoThreads);
  const serial = measured.rtfOneThread - parallel;
  return Math.max(0, serial) + parallel / threads;
}

/** Per-frame transformer multiply-adds of `model` against wav2vec2-base's, at least 1. */
function modelScale(model: ModelSize): number {
  const work = ({ layers, hidden, feedForward }: ModelSize) =>
    layers * (4 * hidden * hidden + 2 * hidden * feedForward);
  return Math.max(1, work(model) / work(BASE_SIZE));
}

/** The transformer's size from a model's config.json (Hugging Face names), or undefined where it does not say. */
export function modelSizeFromConfig(config: Readonly<Record<string, unknown>>): ModelSize | undefined {
  const { num_hidden_layers: layers, hidden_size: hidden, intermediate_size: feedForward } = config;
  const whole = (value: unknown): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value > 0;
  return whole(layers) && whole(hidden) && whole(feedForward) ? { layers, hidden, feedForward } : undefined;
}
