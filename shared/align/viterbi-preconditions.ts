import { AlignmentImpossibleError, InvalidInputError } from '../errors';
import type { Emissions } from './emissions';
import type { ScoreSpec } from './trellis-scores';

/** The inputs `forcedAlign` checks. */
export interface AlignmentInputs extends ScoreSpec {
  readonly emissions: Emissions;
  readonly targets: Int32Array;
  /** Stars are optional (take no frame unless they win one), so only the other targets need frames. */
  readonly starsOptional?: boolean;
}

/**
 * Checks every precondition of a forced alignment without allocating, so a bad request fails before any
 * memory is committed. Throws InvalidInputError (shapes, ranges, non-finite values) or
 * AlignmentImpossibleError (fewer frames than the transcript needs: one per target plus one blank between
 * repeated targets, optional stars excepted). -Infinity emissions are allowed: they mark impossible tokens.
 */
export function checkAlignmentInputs(inputs: AlignmentInputs): void {
  const { emissions, targets, blank, frameWeights, starPenalty } = inputs;
  const { data, frames, vocab } = emissions;
  if (!Number.isInteger(frames) || frames < 1) {
    throw new InvalidInputError(
      `emissions must have at least 1 frame (shape [frames, vocab]), got frames=${frames}`,
    );
  }
  if (!Number.isInteger(vocab) || vocab < 2) {
    throw new InvalidInputError(
      `emissions must have a vocabulary of at least 2 tokens (blank + one label), got vocab=${vocab}`,
    );
  }
  if (data.length !== frames * vocab) {
    throw new InvalidInputError(
      `emissions data must hold frames*vocab = ${frames}*${vocab} = ${frames * vocab} values (frame-major [frames, vocab]), ` +
        `got ${data.length}`,
    );
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= vocab) {
    throw new InvalidInputError(`blank must be a token id in [0, ${vocab - 1}], got ${blank}`);
  }
  if (targets.length === 0) {
    throw new InvalidInputError('targets must hold at least one token id (shape [L], L >= 1), got none');
  }
  if (starPenalty !== undefined && !(Number.isFinite(starPenalty) && starPenalty <= 0)) {
    throw new InvalidInputError(`star.penalty must be a finite number <= 0, got ${starPenalty}`);
  }
  const star = starPenalty !== undefined;
  for (let j = 0; j < targets.length; j++) {
    const id = targets[j]!;
    const valid = (id >= 0 && id < vocab && id !== blank) || (star && id === vocab);
    if (!valid) {
      const allowed = star
        ? `[0, ${vocab - 1}] except the blank ${blank}, or ${vocab} for <star>`
        : `[0, ${vocab - 1}] except the blank ${blank}`;
      throw new InvalidInputError(`targets[${j}] = ${id} is not a valid target id: expected ${allowed}`);
    }
  }
  if (frameWeights !== undefined) {
    if (frameWeights.length !== frames) {
      throw new InvalidInputError(
        `frameWeights must hold one weight per frame (${frames}), got ${frameWeights.length}`,
      );
    }
    for (let t = 0; t < frames; t++) {
      const w = frameWeights[t]!;
      if (!(w >= 0 && w <= 1)) {
        throw new InvalidInputError(`frameWeights[${t}] = ${w} is not a confidence in [0, 1]`);
      }
    }
  }
  for (let i = 0; i < data.length; i++) {
    const e = data[i]!;
    if (Number.isNaN(e) || e === Number.POSITIVE_INFINITY) {
      const t = Math.floor(i / vocab);
      throw new InvalidInputError(
        `emissions[${t}, ${i - t * vocab}] = ${e}: emissions must be log-probabilities (finite, or -Infinity for impossible)`,
      );
    }
  }
  const needed = framesNeeded(targets, inputs.starsOptional === true ? vocab : -1);
  if (needed === 0) {
    throw new InvalidInputError('targets must hold at least one token besides optional <star> wildcards');
  }
  if (frames < needed) throw new AlignmentImpossibleError(needed, frames);
}

/** One frame per target plus one blank between equal neighbours, not counting targets equal to `skipped`. */
function framesNeeded(targets: Int32Array, skipped: number): number {
  let needed = 0;
  let previous = -1;
  for (const id of targets) {
    if (id === skipped) continue;
    needed += id === previous ? 2 : 1;
    previous = id;
  }
  return needed;
}
