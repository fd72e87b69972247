/**
 * Zero-mean, unit-variance copy of the whole utterance, as Hugging Face's Wav2Vec2FeatureExtractor does with
 * `do_normalize` (variance + 1e-7). Normalising once for the whole file, before windowing, keeps windowed
 * inference fed with exactly the values an unchunked pass would see.
 */
export function normalizeAudio(samples: Float32Array): Float32Array {
  const out = new Float32Array(samples.length);
  if (samples.length === 0) return out;
  let mean = 0;
  for (let i = 0; i < samples.length; i++) mean += samples[i]!;
  mean /= samples.length;
  let variance = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i]! - mean;
    variance += d * d;
  }
  variance /= samples.length;
  const scale = 1 / Math.sqrt(variance + 1e-7);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i]! - mean) * scale;
  return out;
}
