import type { CpuInt8Support } from '../../shared/inference/cpu-int8-support';
import { type ConvLayer, framesForSamples } from '../../shared/model/model-spec';

/** The shapes of a wav2vec2 CTC model that decide how many multiply-adds one forward pass costs. */
export interface Wav2vec2Geometry {
  /** Output channels of every feature-extractor convolution (the first one reads one channel). */
  convChannels: number;
  convLayers: readonly ConvLayer[];
  hidden: number;
  feedForward: number;
  layers: number;
  positionalConvKernel: number;
  positionalConvGroups: number;
  vocab: number;
}

/** torchaudio's `wav2vec2_base(aux_num_out=32)`, the architecture the inference bench generates. */
export const WAV2VEC2_BASE: Wav2vec2Geometry = {
  convChannels: 512,
  convLayers: [10, 3, 3, 3, 3, 2, 2].map((kernel, i) => ({ kernel, stride: i === 0 ? 5 : 2 })),
  hidden: 768,
  feedForward: 3072,
  layers: 12,
  positionalConvKernel: 128,
  positionalConvGroups: 16,
  vocab: 32,
};

/** Multiply-adds of one forward pass, split where int8 quantization can draw its line. */
export interface ForwardWork {
  /** The first convolution, over the raw waveform: one input channel, which no int8 variant quantizes. */
  waveformConv: number;
  /** Feature-extractor layers 1-6, int8 in the `dot-product` variant, fp32 in the `portable` one. */
  featureConvs: number;
  /** Everything after them: projection, positional convolution, attention, feed-forward, CTC head. */
  rest: number;
}

/** Multiply-adds of one forward pass over `samples` samples (norms, softmax and activations are left out). */
export function forwardWork(geometry: Wav2vec2Geometry, samples: number): ForwardWork {
  const { convChannels: c, convLayers, hidden: h } = geometry;
  const convWork = convLayers.map(
    ({ kernel }, i) => c * (i === 0 ? 1 : c) * kernel * framesForSamples(convLayers.slice(0, i + 1), samples),
  );
  const [waveformConv = 0, ...featureConvWork] = convWork;
  const featureConvs = featureConvWork.reduce((sum, work) => sum + work, 0);
  const frames = framesForSamples(convLayers, samples);
  const projection = c * h * frames;
  const positional = h * (h / geometry.positionalConvGroups) * geometry.positionalConvKernel * frames;
  // Per layer: Q, K, V and output projections, the two feed-forward MatMuls, then Q·Kᵀ and attention·V.
  const layer = (4 * h * h + 2 * h * geometry.feedForward) * frames + 2 * frames * frames * h;
  const head = h * geometry.vocab * frames;
  return { waveformConv, featureConvs, rest: projection + positional + geometry.layers * layer + head };
}

/**
 * How far int8 can go at best on this CPU, from a measured fp32 time: the waveform convolution stays at the fp32
 * rate and every other multiply-add runs `int8Ceiling` times faster. With a fused int8 dot product (VNNI) the
 * ceiling is 4: vpdpbusd does 4 multiply-adds per 32-bit lane where an FMA does one. Without it the ceiling is 2:
 * one vpmaddubsw + vpmaddwd pair does 32 int8 multiply-adds in two multiplier uops where FMA does 8 fp32 ones in
 * one. The fp32 rate is the whole graph's average (norms, softmax and activations ride along at it), so this is
 * an estimate of the hardware's limit, not a measurement.
 */
export function int8Bound(
  work: ForwardWork,
  fp32Seconds: number,
  int8Ceiling: number,
): { fp32MacsPerSecond: number; minSeconds: number; maxSpeedUp: number } {
  if (!(fp32Seconds > 0) || !(int8Ceiling >= 1)) {
    throw new RangeError(
      `expected fp32Seconds > 0 and int8Ceiling >= 1, got ${fp32Seconds} and ${int8Ceiling}`,
    );
  }
  const int8Able = work.featureConvs + work.rest;
  const fp32MacsPerSecond = (work.waveformConv + int8Able) / fp32Seconds;
  const minSeconds = work.waveformConv / fp32MacsPerSecond + int8Able / (fp32MacsPerSecond * int8Ceiling);
  return { fp32MacsPerSecond, minSeconds, maxSpeedUp: fp32Seconds / minSeconds };
}

/** The int8 ceiling of a CPU: 4 with a fused int8 dot product (VNNI, AMX, Arm's dot-product extension), else 2. */
export function int8CeilingFor(cpu: CpuInt8Support): number {
  return cpu.dotProducts.length > 0 ? 4 : 2;
}

/** Adds up the work of several passes (the windows of one file). */
export function sumWork(parts: readonly ForwardWork[]): ForwardWork {
  return parts.reduce(
    (sum, part) => ({
      waveformConv: sum.waveformConv + part.waveformConv,
      featureConvs: sum.featureConvs + part.featureConvs,
      rest: sum.rest + part.rest,
    }),
    { waveformConv: 0, featureConvs: 0, rest: 0 },
  );
}
