import { InvalidInputError } from '../errors';
import type { Emissions } from './emissions';

/**
 * Row-wise numerically stable log-softmax of frame-major logits.
 *
 * Each row is shifted by its maximum before exponentiating (so large logits cannot overflow) and reduced in
 * Float64; -Infinity logits (masked tokens) come out as -Infinity log-probabilities. A row must have at least
 * one finite logit, and no logit may be NaN or +Infinity.
 */
export function logSoftmax(logits: Float32Array, frames: number, vocab: number): Emissions {
  if (!Number.isInteger(frames) || frames < 1) {
    throw new InvalidInputError(
      `logits must have at least 1 frame (shape [frames, vocab]), got frames=${frames}`,
    );
  }
  if (!Number.isInteger(vocab) || vocab < 1) {
    throw new InvalidInputError(
      `logits must have at least 1 token per frame (shape [frames, vocab]), got vocab=${vocab}`,
    );
  }
  if (logits.length !== frames * vocab) {
    throw new InvalidInputError(
      `logits must hold frames*vocab = ${frames}*${vocab} = ${frames * vocab} values (frame-major [frames, vocab]), ` +
        `got ${logits.length}`,
    );
  }
  for (let t = 0; t < frames; t++) {
    let finite = false;
    for (let v = 0; v < vocab; v++) {
      const x = logits[t * vocab + v]!;
      if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) {
        throw new InvalidInputError(`logits[${t}, ${v}] = ${x}: logits must be finite numbers or -Infinity`);
      }
      if (x !== Number.NEGATIVE_INFINITY) finite = true;
    }
    if (!finite)
      throw new InvalidInputError(`logits row ${t} is all -Infinity: it assigns no probability to any token`);
  }

  const data = new Float32Array(frames * vocab);
  for (let t = 0; t < frames; t++) {
    const base = t * vocab;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) if (logits[base + v]! > max) max = logits[base + v]!;
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[base + v]! - max);
    // Subtracting the max first keeps the result exact for huge logits, where max + log(sum) would round away.
    const logSum = Math.log(sum);
    for (let v = 0; v < vocab; v++) data[base + v] = logits[base + v]! - max - logSum;
  }
  return { data, frames, vocab };
}
