/** How an utterance is normalised: x → (x − mean) · scale. */
export interface Normalization {
  mean: number;
  scale: number;
}

/**
 * The zero-mean, unit-variance normalisation of the whole utterance, as Hugging Face's Wav2Vec2FeatureExtractor
 * does with `do_normalize` (variance + 1e-7). Computed once for the whole file, before windowing, so windowed
 * inference is fed exactly the values an unchunked pass would see.
 */
export function utteranceNormalization(samples: Float32Array): Normalization {
  if (samples.length === 0) return { mean: 0, scale: 1 };
  let mean = 0;
  for (let i = 0; i < samples.length; i++) mean += samples[i]!;
  mean /= samples.length;
  let variance = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i]! - mean;
    variance += d * d;
  }
  variance /= samples.length;
  return { mean, scale: 1 / Math.sqrt(variance + 1e-7) };
}

/** Writes `samples` normalised into `out` from `offset`; the windows of a long file are normalised as they are fed. */
export function normalizeInto(
  samples: Float32Array,
  normalization: Normalization,
  out: Float32Array,
  offset = 0,
): void {
  const { mean, scale } = normalization;
  for (let i = 0; i < samples.length; i++) out[offset + i] = (samples[i]! - mean) * scale;
}

/** A normalised copy of the whole utterance (see utteranceNormalization). */
export function normalizeAudio(samples: Float32Array): Float32Array {
  const out = new Float32Array(samples.length);
  normalizeInto(samples, utteranceNormalization(samples), out);
  return out;
}
