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

/** Multiply-adds of one forward pass, split where the product's int8 quantization draws its line. */
export interface ForwardWork {
  /** The convolutional feature extractor, which `W2V2_QUANTIZE` keeps in fp32. */
  convFrontEnd: number;
  /** Everything after it: projection, positional convolution, attention, feed-forward, CTC head. */
  rest: number;
}

/** Multiply-adds of one forward pass over `samples` samples (norms, softmax and activations are left out). */
export function forwardWork(geometry: Wav2vec2Geometry, samples: number): ForwardWork {
  const { convChannels: c, convLayers, hidden: h } = geometry;
  const convFrontEnd = convLayers.reduce(
    (sum, { kernel }, i) =>
      sum + c * (i === 0 ? 1 : c) * kernel * framesForSamples(convLayers.slice(0, i + 1), samples),
    0,
  );
  const frames = framesForSamples(convLayers, samples);
  const projection = c * h * frames;
  const positional = h * (h / geometry.positionalConvGroups) * geometry.positionalConvKernel * frames;
  // Per layer: Q, K, V and output projections, the two feed-forward MatMuls, then Q·Kᵀ and attention·V.
  const layer = (4 * h * h + 2 * h * geometry.feedForward) * frames + 2 * frames * frames * h;
  const head = h * geometry.vocab * frames;
  return { convFrontEnd, rest: projection + positional + geometry.layers * layer + head };
}

/**
 * How far int8 can go at best, from a measured fp32 time: the front-end stays at the fp32 rate and every other
 * multiply-add runs `int8Ceiling` times faster. Without VNNI or AMX the ceiling is 2: one 256-bit vpmaddubsw +
 * vpmaddwd pair does 32 int8 multiply-adds in two multiplier uops where FMA does 8 fp32 ones in one.
 * The fp32 rate is the whole graph's average, so this is an estimate, not a measurement.
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
  const fp32MacsPerSecond = (work.convFrontEnd + work.rest) / fp32Seconds;
  const minSeconds = work.convFrontEnd / fp32MacsPerSecond + work.rest / (fp32MacsPerSecond * int8Ceiling);
  return { fp32MacsPerSecond, minSeconds, maxSpeedUp: fp32Seconds / minSeconds };
}
