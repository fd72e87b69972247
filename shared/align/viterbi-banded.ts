import type { FeasibleWindows, Trellis } from './trellis-model';
import type { FrameScorer, FutureBound } from './trellis-scores';
import { createRow, endState, initRow, relaxRow, relaxRowTraced, tracedStep } from './viterbi-kernel';

/**
 * How a banded pass prunes frame t's computed states to its band:
 * - `beam`: keep the hull of states with alpha >= max_t - beam (a heuristic; the certificate decides);
 * - `bound`: branch and bound against a known complete path of score `lowerBound`: drop a state only when even
 *   the most optimistic completion, alpha + U[t+1], stays below it. Such a state is on no optimal path, so the
 *   pass keeps every optimal path and its certificate holds by construction. This is the retry beam
 *   U[0] - V_band + margin made per frame (U[0] - V_band >= max_t + U[t+1] - V_band for every t), so it prunes
 *   at least as much.
 */
export type BandPruning =
  | { readonly kind: 'beam'; readonly beam: number }
  | { readonly kind: 'bound'; readonly lowerBound: number };

/** What a banded pass walks. */
export interface BandedInput {
  readonly trellis: Trellis;
  readonly windows: FeasibleWindows;
  readonly scorer: FrameScorer;
  readonly frames: number;
  readonly bound: FutureBound;
}

/** Buffers shared by the passes of one alignment. */
export interface BandedWorkspace {
  /** Backpointers of the band; once full, the pass keeps checkpoint rows instead (at most as many bytes). */
  readonly trace: Uint8Array;
  /** Per frame: byte offset of the row's backpointers. */
  readonly rowOffsets: Int32Array;
  /** Per frame: the band [bandLo, bandHi]. */
  readonly bandLo: Int32Array;
  readonly bandHi: Int32Array;
}

/** Outcome of one banded pass. */
export interface BandedResult {
  /** The band's best path, or undefined when the band held no finite complete path or outgrew its memory. */
  readonly states: Int32Array | undefined;
  /** Its score (-Infinity without a path). */
  readonly score: number;
  /** True when the certificate proves the band path is the exact Viterbi path (same tie choices included). */
  readonly certified: boolean;
  /** True when the band's checkpoints would have exceeded the memory budget. */
  readonly tooWide: boolean;
  /** Cells computed, recomputation included. */
  readonly cells: number;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

/**
 * One Viterbi pass restricted to a band that follows the best partial paths. Frame t computes every one-step
 * successor of frame t-1's band, [lo_{t-1}, hi_{t-1} + 2] (intersected with the feasible window), then keeps
 * the hull of the states its pruning rule accepts. A path that ever leaves the band first leaves it at such a
 * computed-but-pruned state (its previous state was in the band), so its score is at most
 * Bout = max_t (maxPruned[t] + U[t+1]). Certificate: if Bout (plus rounding slack) < V_band, every optimal
 * path lies in the band; on an optimal path's cells the band alphas equal the full alphas (their best prefix
 * is optimal too), elsewhere they are no larger, so the recurrence makes the full DP's choices there and the
 * band path is exactly the full DP's path.
 *
 * Backpointers go to the workspace's trace buffer; if the band outgrows it, the rest of the pass keeps a copy
 * of the band every K frames instead and the backtrack recomputes those segments with backpointers, last
 * first (same kernel over the same band, so the values are bit-identical).
 */
export function bandedViterbi(
  input: BandedInput,
  workspace: BandedWorkspace,
  pruning: BandPruning,
): BandedResult {
  return new BandedPass(input, workspace).run(pruning);
}

class BandedPass {
  private prev: Float64Array;
  private cur: Float64Array;
  private cells = 0;
  /** First frame whose backpointers did not fit (frames from then on are checkpointed), or -1. */
  private overflowAt = -1;
  private stride = 0;
  private readonly checkpoints: Float64Array[] = [];
  private checkpointBytes = 0;

  public constructor(
    private readonly input: BandedInput,
    private readonly workspace: BandedWorkspace,
  ) {
    this.prev = createRow(input.trellis.states);
    this.cur = createRow(input.trellis.states);
  }

  public run(pruning: BandPruning): BandedResult {
    const { trellis, windows, scorer, frames, bound } = this.input;
    const { trace, rowOffsets, bandLo, bandHi } = this.workspace;
    const { future, slack } = bound;
    let lo = windows.lo[0]!;
    let hi = Math.min(windows.hi[0]!, 1);
    initRow(this.prev, lo, hi, scorer.fill(0), trellis);
    this.cells += hi - lo + 1;
    let escapeBound = NEG_INF;
    let used = 0;
    for (let t = 0; t < frames; t++) {
      if (t > 0) {
        const prevLo = bandLo[t - 1]!;
        const prevHi = bandHi[t - 1]!;
        lo = Math.max(prevLo, windows.lo[t]!);
        hi = Math.min(prevHi + 2, windows.hi[t]!);
        const bytes = (hi >> 2) - (lo >> 2) + 1;
        if (this.overflowAt < 0 && used + bytes > trace.length && !this.startCheckpoints(t))
          return this.failed(true);
        if (this.overflowAt < 0) {
          rowOffsets[t] = used - (lo >> 2);
          used += bytes;
          relaxRowTraced(
            this.prev,
            prevLo,
            prevHi,
            this.cur,
            lo,
            hi,
            scorer.fill(t),
            trellis,
            trace,
            rowOffsets[t]!,
          );
        } else {
          relaxRow(this.prev, prevLo, prevHi, this.cur, lo, hi, scorer.fill(t), trellis);
        }
        this.cells += hi - lo + 1;
        this.swapRows();
      }
      const row = this.prev;
      let threshold: number;
      if (pruning.kind === 'beam') {
        let best = NEG_INF;
        for (let s = lo; s <= hi; s++) if (row[s]! > best) best = row[s]!;
        if (best === NEG_INF) return this.failed(false);
        threshold = best - pruning.beam;
      } else {
        threshold = pruning.lowerBound - slack - future[t + 1]!;
      }
      let pruned = NEG_INF;
      let keepLo = lo;
      while (keepLo <= hi && !(row[keepLo]! >= threshold)) {
        if (row[keepLo]! > pruned) pruned = row[keepLo]!;
        keepLo++;
      }
      if (keepLo > hi) return this.failed(false);
      let keepHi = hi;
      while (!(row[keepHi]! >= threshold)) {
        if (row[keepHi]! > pruned) pruned = row[keepHi]!;
        keepHi--;
      }
      bandLo[t] = keepLo;
      bandHi[t] = keepHi;
      if (pruned !== NEG_INF && pruned + future[t + 1]! > escapeBound) escapeBound = pruned + future[t + 1]!;
      if (this.overflowAt >= 0 && t < frames - 1 && (t - this.overflowAt + 1) % this.stride === 0) {
        if (!this.saveCheckpoint(t)) return this.failed(true);
      }
    }

    const last = endState(this.prev, bandLo[frames - 1]!, bandHi[frames - 1]!, trellis.states);
    const score = last >= bandLo[frames - 1]! && last <= bandHi[frames - 1]! ? this.prev[last]! : NEG_INF;
    if (score === NEG_INF) return this.failed(false);
    const states = new Int32Array(frames);
    states[frames - 1] = last;
    let s = last;
    let t = frames - 1;
    if (this.overflowAt >= 0) {
      this.backtrackCheckpointed(states);
      t = this.overflowAt - 1;
      s = states[t]!;
    }
    for (; t > 0; t--) {
      s -= tracedStep(trace, rowOffsets[t]!, s);
      states[t - 1] = s;
    }
    return { states, score, certified: escapeBound + slack < score, tooWide: false, cells: this.cells };
  }

  private swapRows(): void {
    const row = this.cur;
    this.cur = this.prev;
    this.prev = row;
  }

  /** Backpointers of frame t no longer fit: from now on keep band rows every `stride` frames, from frame t-1. */
  private startCheckpoints(t: number): boolean {
    this.overflowAt = t;
    // Balances checkpoint rows ((remaining / K) bands of 8 bytes per state) against one segment's backpointers
    // (K bands of 1/4 byte per state).
    this.stride = Math.max(64, Math.round(Math.sqrt(32 * (this.input.frames - t))));
    return this.saveCheckpoint(t - 1);
  }

  private saveCheckpoint(t: number): boolean {
    const { bandLo, bandHi, trace } = this.workspace;
    const copy = this.prev.slice(bandLo[t]!, bandHi[t]! + 1);
    this.checkpointBytes += copy.byteLength;
    this.checkpoints.push(copy);
    return this.checkpointBytes <= trace.length;
  }

  /** Recovers states[overflowAt-1 .. frames-2] segment by segment, last segment first. */
  private backtrackCheckpointed(states: Int32Array): void {
    const { trellis, scorer, frames } = this.input;
    const { bandLo, bandHi } = this.workspace;
    const first = this.overflowAt - 1;
    const segmentEnd = (k: number): number => Math.min(first + (k + 1) * this.stride, frames - 1);
    let longest = 0;
    for (let k = 0; k < this.checkpoints.length; k++) {
      let bytes = 0;
      for (let t = first + k * this.stride + 1; t <= segmentEnd(k); t++)
        bytes += (bandHi[t]! >> 2) - (bandLo[t]! >> 2) + 1;
      longest = Math.max(longest, bytes);
    }
    const trace = new Uint8Array(longest);
    const offsets = new Int32Array(this.stride + 1);
    for (let k = this.checkpoints.length - 1; k >= 0; k--) {
      const a = first + k * this.stride;
      const b = segmentEnd(k);
      this.prev.set(this.checkpoints[k]!, bandLo[a]!);
      let used = 0;
      for (let t = a + 1; t <= b; t++) {
        const lo = bandLo[t]!;
        const hi = bandHi[t]!;
        const offset = used - (lo >> 2);
        offsets[t - a] = offset;
        used += (hi >> 2) - (lo >> 2) + 1;
        relaxRowTraced(
          this.prev,
          bandLo[t - 1]!,
          bandHi[t - 1]!,
          this.cur,
          lo,
          hi,
          scorer.fill(t),
          trellis,
          trace,
          offset,
        );
        this.cells += hi - lo + 1;
        this.swapRows();
      }
      let s = states[b]!;
      for (let t = b; t > a; t--) {
        s -= tracedStep(trace, offsets[t - a]!, s);
        states[t - 1] = s;
      }
    }
  }

  private failed(tooWide: boolean): BandedResult {
    return { states: undefined, score: NEG_INF, certified: false, tooWide, cells: this.cells };
  }
}
