/**
 * The CTC trellis of a target sequence (Graves et al., 2006): S = 2L+1 states, even states are the blank
 * before target j = s/2, odd states are target j = (s-1)/2. This module only describes the graph; the
 * Viterbi passes in `viterbi-*.ts` walk it.
 */
export interface Trellis {
  /** Number of targets L. */
  readonly labels: number;
  /** Number of states S = 2L+1. */
  readonly states: number;
  /** Blank token id (the token of every even state). */
  readonly blank: number;
  /**
   * Token id of target j (the star id included), padded with the blank to length L+2 so that the Viterbi
   * kernel, which works on pairs of states (blank 2j, target 2j+1) two at a time, may read one pair past the end.
   */
  readonly labelToken: Int32Array;
  /**
   * 0 where a path may skip from target j-1 straight into target j (they differ), -Infinity elsewhere (same
   * length and padding as labelToken); adding it to alpha[2j-1] turns the skip test into arithmetic.
   */
  readonly labelSkip: Float64Array;
  /**
   * Blank slots k (state 2k) whose blank may also absorb untranscribed speech (optional `<star>`), ascending;
   * they score `wildToken` instead of the blank. Empty without optional stars.
   */
  readonly wildSlots: Int32Array;
  /** Token id of a wild slot's score (see FrameScorer), or -1. */
  readonly wildToken: number;
  /** Distinct token ids the trellis uses (blank first), i.e. the only per-frame scores a pass ever reads. */
  readonly tokens: Int32Array;
  /** Frames a complete path needs: L + R, R = number of adjacent equal targets (each needs a blank between). */
  readonly minFrames: number;
}

/** Optional `<star>` wildcards: which blank slots absorb untranscribed speech, scored as which token. */
export interface WildSlots {
  readonly slots: Int32Array;
  readonly token: number;
}

/** Builds the trellis of `targets` with the given blank id (targets are assumed validated). */
export function buildTrellis(targets: Int32Array, blank: number, wild?: WildSlots): Trellis {
  const labels = targets.length;
  const labelToken = new Int32Array(labels + 2).fill(blank);
  const labelSkip = new Float64Array(labels + 2).fill(Number.NEGATIVE_INFINITY);
  const distinct = new Set<number>([blank]);
  if (wild !== undefined && wild.slots.length > 0) distinct.add(wild.token);
  let repeats = 0;
  for (let j = 0; j < labels; j++) {
    const token = targets[j]!;
    labelToken[j] = token;
    distinct.add(token);
    if (j > 0 && token === targets[j - 1]) repeats++;
    if (j > 0 && token !== targets[j - 1]) labelSkip[j] = 0;
  }
  return {
    labels,
    states: 2 * labels + 1,
    blank,
    labelToken,
    labelSkip,
    wildSlots: wild?.slots ?? new Int32Array(0),
    wildToken: wild !== undefined && wild.slots.length > 0 ? wild.token : -1,
    tokens: Int32Array.from(distinct),
    minFrames: labels + repeats,
  };
}

/** Whether a path may skip into state s (a target that differs from the previous target). */
export function canSkipInto(trellis: Trellis, s: number): boolean {
  return s % 2 === 1 && trellis.labelSkip[(s - 1) >> 1] === 0;
}

/** Per-frame range [lo[t], hi[t]] of states that lie on at least one complete path. */
export interface FeasibleWindows {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

/**
 * The states reachable from the start at frame t form a prefix [0, hi[t]] and the states that can still reach
 * the end form a suffix [lo[t], S-1] (both because the minimum number of frames to a state is monotone in the
 * state); only their intersection can carry a complete path. Restricting every pass to it is what torchaudio's
 * kernel does with its start/end counters, and it keeps all passes over the same cells so that recomputed
 * rows are bit-identical. Requires frames >= trellis.minFrames.
 */
export function feasibleWindows(trellis: Trellis, frames: number): FeasibleWindows {
  const last = trellis.states - 1;
  const lo = new Int32Array(frames);
  const hi = new Int32Array(frames);
  let reach = 1;
  for (let t = 0; t < frames; t++) {
    hi[t] = reach;
    const next = reach + 2 <= last && canSkipInto(trellis, reach + 2) ? reach + 2 : reach + 1;
    reach = Math.min(next, last);
  }
  let need = last - 1;
  for (let t = frames - 1; t >= 0; t--) {
    lo[t] = need;
    const previous = canSkipInto(trellis, need) ? need - 2 : need - 1;
    need = Math.max(previous, 0);
  }
  return { lo, hi };
}
