import { InternalError } from '../errors';
import type { Emissions } from './emissions';

/** What a frame's token scores are made of (validated by the caller). */
export interface ScoreSpec {
  readonly blank: number;
  /** c_t per frame: the frame's scores are multiplied by it. */
  readonly frameWeights?: Float32Array | undefined;
  /** Penalty added to the best non-blank emission to score the `<star>` token (id = vocab); absent: no star. */
  readonly starPenalty?: number | undefined;
}

/** Token id of `<star>` in a FrameScorer's scores (one past the vocabulary, as in the targets). */
export function starToken(vocab: number): number {
  return vocab;
}

/** Token id of an optional star's wild blank slot: the better of the blank and `<star>`. */
export function wildToken(vocab: number): number {
  return vocab + 1;
}

/**
 * Fills the per-frame scores of the tokens the trellis uses into a reusable Float64Array indexed by token id
 * (vocab = `<star>`, vocab+1 = a wild blank slot), so a pass reads each (frame, token) emission once instead
 * of once per state.
 */
export class FrameScorer {
  /** Scores of the last frame filled, indexed by token id. */
  public readonly scores: Float64Array;
  private readonly data: Float32Array;
  private readonly vocab: number;
  private readonly tokens: Int32Array;
  private readonly spec: ScoreSpec;
  /** The spec's star penalty; read only when `tokens` holds `<star>` or a wild slot, which then have one. */
  private readonly starPenalty: number;

  public constructor(emissions: Emissions, tokens: Int32Array, spec: ScoreSpec) {
    this.data = emissions.data;
    this.vocab = emissions.vocab;
    this.tokens = tokens;
    this.spec = spec;
    this.scores = new Float64Array(emissions.vocab + 2).fill(Number.NEGATIVE_INFINITY);
    if (spec.starPenalty === undefined && tokens.some((token) => token >= starToken(emissions.vocab))) {
      throw new InternalError('the trellis scores <star> but the score spec has no star penalty');
    }
    this.starPenalty = spec.starPenalty ?? 0;
  }

  /** Computes frame t's scores into `scores`; deterministic, so recomputed passes see identical values. */
  public fill(t: number): Float64Array {
    const { data, vocab, tokens, scores, spec } = this;
    const base = t * vocab;
    const weight = spec.frameWeights === undefined ? 1 : spec.frameWeights[t]!;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token === wildToken(vocab)) {
        scores[starToken(vocab)] = this.starScore(base, weight);
        scores[token] = Math.max(weighted(data[base + spec.blank]!, weight), scores[starToken(vocab)]!);
      } else if (token === starToken(vocab)) {
        scores[token] = this.starScore(base, weight);
      } else {
        scores[token] = weighted(data[base + token]!, weight);
      }
    }
    return scores;
  }

  /** Whether frame t's `<star>` score beats its blank score (ties go to the blank); needs a wild slot token. */
  public starWins(t: number): boolean {
    const scores = this.fill(t);
    return scores[starToken(this.vocab)]! > scores[this.spec.blank]!;
  }

  /** Best non-blank emission plus the star penalty, weighted. */
  private starScore(base: number, weight: number): number {
    const { data, vocab, spec } = this;
    let best = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) {
      const e = data[base + v]!;
      if (v !== spec.blank && e > best) best = e;
    }
    return weighted(best + this.starPenalty, weight);
  }
}

/** -Infinity means "impossible" and must stay so even under weight 0 (0 * -Infinity is NaN). */
function weighted(score: number, weight: number): number {
  return score === Number.NEGATIVE_INFINITY ? score : weight * score;
}

/** Suffix upper bounds on what any path can still gain, for the banded search's optimality certificate. */
export interface FutureBound {
  /** future[t] = sum over t' >= t of the best trellis-token score of frame t' (future[frames] = 0). */
  readonly future: Float64Array;
  /**
   * Slack that covers floating-point rounding when comparing a bound with a path score: both are sums of at
   * most `frames` terms whose magnitudes add up to at most sum_t max_k |score(t, k)|, so each is within
   * frames * eps * that sum of its exact value.
   */
  readonly slack: number;
  /** A frame where every trellis token scores -Infinity (so no path can be finite), or -1. */
  readonly deadFrame: number;
}

/** Computes the suffix sums U[t] of per-frame maxima over the trellis tokens (one pass over the emissions). */
export function futureBound(scorer: FrameScorer, tokens: Int32Array, frames: number): FutureBound {
  const future = new Float64Array(frames + 1);
  let magnitude = 0;
  let deadFrame = -1;
  for (let t = frames - 1; t >= 0; t--) {
    const scores = scorer.fill(t);
    let best = Number.NEGATIVE_INFINITY;
    let largest = 0;
    for (let i = 0; i < tokens.length; i++) {
      const score = scores[tokens[i]!]!;
      if (score > best) best = score;
      if (score !== Number.NEGATIVE_INFINITY && Math.abs(score) > largest) largest = Math.abs(score);
    }
    if (best === Number.NEGATIVE_INFINITY && deadFrame < 0) deadFrame = t;
    future[t] = future[t + 1]! + best;
    magnitude += largest;
  }
  const slack = 4 * (frames + 2) * Number.EPSILON * magnitude + Number.MIN_VALUE;
  return { future, slack, deadFrame };
}
