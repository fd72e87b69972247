import type { Trellis } from './trellis-model';

/**
 * The Viterbi recurrence of one frame, shared by every strategy so that all of them make bit-identical
 * choices (the recurrence follows torchaudio's `forced_align` CPU kernel):
 *
 *   alpha[t][s] = max(alpha[t-1][s], alpha[t-1][s-1], alpha[t-1][s-2] if skipping into s is allowed)
 *                 + score(t, token(s))
 *
 * Tie rule: among equal maxima prefer stay (s), then advance (s-1), then skip (s-2) — strict `>` tests in that
 * order. (torchaudio's three-way test picks "stay" when advance and skip tie above it, which is not a maximum;
 * this kernel keeps the documented preference order instead.) Together with the end rule in `endState`, the
 * traced path is, among all optimal paths, the first one when paths are compared backwards from the last frame.
 *
 * Layout. A row is a Float64Array indexed by state with ROW_PADDING spare entries (see `createRow`). The loop
 * walks two (blank 2j, target 2j+1) pairs per iteration — blanks need no skip test and share one score, and
 * each iteration fills one whole backpointer byte — so it may compute up to 3 states below `lo` and above `hi`.
 * Those extra cells are scratch: only [lo, hi] of the new row is meaningful. Likewise only [prevLo, prevHi] of
 * the previous row is: before reading it, the kernel overwrites the few entries around that range it may touch
 * with -Infinity (sentinels), so rows never need clearing and pruned states read as impossible. Callers must
 * treat everything outside a row's range as scratch. Requires prevLo <= lo <= hi <= prevHi + 2.
 *
 * Backpointers take 2 bits per cell: byte `rowOffset + (s >> 2)` holds states 4k..4k+3 as two nibbles (pair j
 * in bits 4*(j & 1)..): bit 0 = the blank advanced, bits 1-2 = the target's move (0 stay, 1 advance, 2 skip).
 */

/** Spare entries a row needs past the last state (the kernel's pair overrun plus sentinels). */
export const ROW_PADDING = 6;

const NEG_INF = Number.NEGATIVE_INFINITY;

/** Allocates an alpha row for a trellis of `states` states. */
export function createRow(states: number): Float64Array {
  return new Float64Array(states + ROW_PADDING);
}

/** Frame 0: a path starts in state 0 or 1 (further restricted by the feasible window [lo, hi]). */
export function initRow(
  row: Float64Array,
  lo: number,
  hi: number,
  scores: Float64Array,
  trellis: Trellis,
): void {
  for (let s = lo; s <= hi; s++) {
    const slot0 = trellis.wildSlots[0] === 0 ? trellis.wildToken : trellis.blank;
    row[s] = s === 0 ? scores[slot0]! : s === 1 ? scores[trellis.labelToken[0]!]! : NEG_INF;
  }
}

function writeSentinels(prev: Float64Array, prevLo: number, prevHi: number): void {
  prev.fill(NEG_INF, Math.max(prevLo - 4, 0), prevLo);
  prev.fill(NEG_INF, prevHi + 1, Math.min(prevHi + 6, prev.length));
}

/**
 * Computes row t over [lo, hi] from row t-1 (meaningful on [prevLo, prevHi]) without backpointers: the same
 * values as `relaxRowTraced`, kept as its own loop because passes that only move forward (checkpointing) spend
 * most of their time here.
 */
export function relaxRow(
  prev: Float64Array,
  prevLo: number,
  prevHi: number,
  cur: Float64Array,
  lo: number,
  hi: number,
  scores: Float64Array,
  trellis: Trellis,
): void {
  writeSentinels(prev, prevLo, prevHi);
  const { labelToken, labelSkip } = trellis;
  const blankScore = scores[trellis.blank]!;
  const first = (lo >> 2) << 1;
  const last = hi >> 1;
  let lp = first >= 1 ? prev[2 * first - 1]! : NEG_INF;
  for (let j = first; j <= last; j += 2) {
    const s = 2 * j;
    const b = prev[s]!;
    const l = prev[s + 1]!;
    const b2 = prev[s + 2]!;
    const l2 = prev[s + 3]!;
    cur[s] = Math.max(b, lp) + blankScore;
    cur[s + 1] = Math.max(l, b, lp + labelSkip[j]!) + scores[labelToken[j]!]!;
    cur[s + 2] = Math.max(b2, l) + blankScore;
    cur[s + 3] = Math.max(l2, b2, l + labelSkip[j + 1]!) + scores[labelToken[j + 1]!]!;
    lp = l2;
  }
  if (trellis.wildSlots.length > 0) rescoreWildSlots(prev, cur, lo, hi, scores, trellis);
}

/** Same as `relaxRow`, also writing each state's choice into `trace` (see the module comment). */
export function relaxRowTraced(
  prev: Float64Array,
  prevLo: number,
  prevHi: number,
  cur: Float64Array,
  lo: number,
  hi: number,
  scores: Float64Array,
  trellis: Trellis,
  trace: Uint8Array,
  rowOffset: number,
): void {
  writeSentinels(prev, prevLo, prevHi);
  const { labelToken, labelSkip } = trellis;
  const blankScore = scores[trellis.blank]!;
  const first = (lo >> 2) << 1;
  const last = hi >> 1;
  let lp = first >= 1 ? prev[2 * first - 1]! : NEG_INF;
  for (let j = first; j <= last; j += 2) {
    const s = 2 * j;
    const b = prev[s]!;
    const l = prev[s + 1]!;
    const b2 = prev[s + 2]!;
    const l2 = prev[s + 3]!;
    cur[s] = Math.max(b, lp) + blankScore;
    const held = Math.max(l, b);
    const skipped = lp + labelSkip[j]!;
    cur[s + 1] = Math.max(held, skipped) + scores[labelToken[j]!]!;
    cur[s + 2] = Math.max(b2, l) + blankScore;
    const held2 = Math.max(l2, b2);
    const skipped2 = l + labelSkip[j + 1]!;
    cur[s + 3] = Math.max(held2, skipped2) + scores[labelToken[j + 1]!]!;
    // Choices as 0/1 numbers rather than branches (about 15% faster): a target's move is 2 when the skip is
    // strictly better than staying and advancing, else 1 when advancing is strictly better than staying.
    const advance = +(b > l);
    const skip = +(skipped > held);
    const advance2 = +(b2 > l2);
    const skip2 = +(skipped2 > held2);
    trace[rowOffset + (j >> 1)] =
      +(lp > b) |
      ((advance + 2 * skip - advance * skip) << 1) |
      (+(l > b2) << 4) |
      ((advance2 + 2 * skip2 - advance2 * skip2) << 5);
    lp = l2;
  }
  if (trellis.wildSlots.length > 0) rescoreWildSlots(prev, cur, lo, hi, scores, trellis);
}

/**
 * Wild slots (optional `<star>`, usually one per word) score their own token instead of the blank. The loops
 * above score every blank alike, so they stay as fast for plain transcripts; this pass redoes the few wild
 * blanks in [lo, hi] with the same max over the same (sentinel-guarded) inputs. A blank's move does not
 * depend on its score, so the backpointers written above stay right.
 */
function rescoreWildSlots(
  prev: Float64Array,
  cur: Float64Array,
  lo: number,
  hi: number,
  scores: Float64Array,
  trellis: Trellis,
): void {
  const { wildSlots } = trellis;
  const score = scores[trellis.wildToken]!;
  let low = 0;
  let high = wildSlots.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (2 * wildSlots[mid]! < lo) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < wildSlots.length && 2 * wildSlots[i]! <= hi; i++) {
    const s = 2 * wildSlots[i]!;
    cur[s] = (s === 0 ? prev[0]! : Math.max(prev[s]!, prev[s - 1]!)) + score;
  }
}

/** Reads the move into state s from a traced row: how many states the path advanced (0, 1 or 2). */
export function tracedStep(trace: Uint8Array, rowOffset: number, s: number): number {
  const nibble = trace[rowOffset + (s >> 2)]! >> ((s & 2) << 1);
  return s & 1 ? (nibble >> 1) & 3 : nibble & 1;
}

/** End rule: finish in the last label (S-2) unless the final blank (S-1) is strictly better. */
export function endState(row: Float64Array, lo: number, hi: number, states: number): number {
  const lastBlank = states - 1 >= lo && states - 1 <= hi ? row[states - 1]! : NEG_INF;
  const lastLabel = states - 2 >= lo && states - 2 <= hi ? row[states - 2]! : NEG_INF;
  return lastBlank > lastLabel ? states - 1 : states - 2;
}
