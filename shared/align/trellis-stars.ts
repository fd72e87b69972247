import type { WildSlots } from './trellis-model';
import { wildToken } from './trellis-scores';

/**
 * Optional `<star>` wildcards, folded into the blank slots they sit in.
 *
 * A star target is, like every CTC target, a state a path must visit for at least one frame; with a star
 * before every word that steals a frame from most word onsets. An optional star instead becomes a property of
 * the blank slot it sits in: the star is removed from the targets and that slot scores, per frame, the better
 * of the blank and the star (best non-blank emission plus the penalty). The slot can then absorb untranscribed
 * speech (blanks between its characters included) or nothing at all, and it stays skippable exactly like any
 * blank between different targets.
 */
export interface FoldedStars {
  /** The targets without their stars. */
  readonly targets: Int32Array;
  /** Slots that had a star: slot k is the blank before folded target k, slot L' the final blank. */
  readonly wild: WildSlots;
  /** Per folded target: its index among the original targets. */
  readonly origin: Int32Array;
  /** Per folded slot (L'+1): original index of the (first) star folded into it, or -1. */
  readonly slotStar: Int32Array;
  /** Number of original targets. */
  readonly labels: number;
}

/** Removes the stars (id = vocab) from `targets` and records the slots they leave wild. */
export function foldStars(targets: Int32Array, vocab: number): FoldedStars {
  const star = vocab;
  const kept = targets.filter((id) => id !== star);
  const origin = new Int32Array(kept.length);
  const slotStar = new Int32Array(kept.length + 1).fill(-1);
  let next = 0;
  targets.forEach((id, j) => {
    if (id !== star) origin[next++] = j;
    else if (slotStar[next] === -1) slotStar[next] = j;
  });
  const slots = Int32Array.from(slotStar.keys()).filter((k) => slotStar[k] !== -1);
  return {
    targets: kept,
    wild: { slots, token: wildToken(vocab) },
    origin,
    slotStar,
    labels: targets.length,
  };
}

/**
 * Maps a path over the folded trellis back to the states of the original targets (stars included): in a
 * wild slot, the frames from the first to the last where the star outscored the blank are the star's state,
 * frames before them the blank before the star, frames after them the blank after it. A star that absorbed
 * nothing is skipped. `starWon(t)` says whether frame t's star score beat its blank score.
 */
export function unfoldStates(
  states: Int32Array,
  folded: FoldedStars,
  starWon: (t: number) => boolean,
): Int32Array {
  const { origin, slotStar, labels } = folded;
  const out = new Int32Array(states.length);
  let t = 0;
  while (t < states.length) {
    const s = states[t]!;
    let end = t + 1;
    while (end < states.length && states[end] === s) end++;
    if (s % 2 === 1) {
      out.fill(2 * origin[(s - 1) / 2]! + 1, t, end);
    } else {
      const slot = s / 2;
      const blankAfter = slot < origin.length ? 2 * origin[slot]! : 2 * labels;
      const star = slotStar[slot]!;
      if (star < 0) {
        out.fill(blankAfter, t, end);
      } else {
        let first = -1;
        let last = -1;
        for (let u = t; u < end; u++) {
          if (!starWon(u)) continue;
          if (first < 0) first = u;
          last = u;
        }
        out.fill(2 * star, t, first < 0 ? end : first);
        if (first >= 0) {
          out.fill(2 * star + 1, first, last + 1);
          out.fill(blankAfter, last + 1, end);
        }
      }
    }
    t = end;
  }
  return out;
}
