import { InvalidInputError } from '../errors';
import type { Emissions } from './emissions';

/**
 * Per-frame model confidence c_t = 1 - H(p_t)/log V from log-probabilities (0..1).
 *
 * H is the Shannon entropy of the frame's distribution: 0 for a one-hot frame (c = 1), log V for a uniform
 * one (c = 0). Rows are renormalised in Float64 first, so Float32 rounding of the log-probs cannot push c
 * outside [0, 1]; -Infinity entries contribute p log p = 0.
 */
export function frameConfidence(logProbs: Emissions): Float32Array {
  const { data, frames, vocab } = logProbs;
  if (!Number.isInteger(vocab) || vocab < 2) {
    throw new InvalidInputError(
      `confidence needs a vocabulary of at least 2 tokens (entropy / log V), got vocab=${vocab}`,
    );
  }
  if (!Number.isInteger(frames) || frames < 0 || data.length !== frames * vocab) {
    throw new InvalidInputError(
      `log-probs must hold frames*vocab = ${frames}*${vocab} values (frame-major [frames, vocab]), got ${data.length}`,
    );
  }
  const confidence = new Float32Array(frames);
  const logVocab = Math.log(vocab);
  for (let t = 0; t < frames; t++) {
    const base = t * vocab;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) {
      const x = data[base + v]!;
      if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) {
        throw new InvalidInputError(
          `log-probs[${t}, ${v}] = ${x}: log-probabilities must be finite or -Infinity`,
        );
      }
      if (x > max) max = x;
    }
    if (max === Number.NEGATIVE_INFINITY) {
      throw new InvalidInputError(`log-probs row ${t} is all -Infinity: it is not a distribution`);
    }
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(data[base + v]! - max);
    const logNorm = max + Math.log(sum);
    let entropy = 0;
    for (let v = 0; v < vocab; v++) {
      const logP = data[base + v]! - logNorm;
      if (logP !== Number.NEGATIVE_INFINITY) entropy -= Math.exp(logP) * logP;
    }
    confidence[t] = Math.min(1, Math.max(0, 1 - entropy / logVocab));
  }
  return confidence;
}
