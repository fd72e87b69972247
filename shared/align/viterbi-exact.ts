import type { FeasibleWindows, Trellis } from './trellis-model';
import type { FrameScorer } from './trellis-scores';
import { createRow, endState, initRow, relaxRow, relaxRowTraced, tracedStep } from './viterbi-kernel';

/** Best path of the full trellis. */
export interface ExactViterbiResult {
  readonly states: Int32Array;
  readonly score: number;
  /** Cells computed, recomputation included. */
  readonly cells: number;
  readonly checkpointed: boolean;
}

/** What an exact pass walks. */
export interface ExactViterbiInput {
  readonly trellis: Trellis;
  readonly windows: FeasibleWindows;
  readonly scorer: FrameScorer;
  readonly frames: number;
  /** Bytes the backpointers (and checkpoint rows) may take. */
  readonly budgetBytes: number;
}

/**
 * Exact Viterbi over every feasible cell. With T*S/4 bytes of 2-bit backpointers inside the budget it keeps
 * them all; otherwise it checkpoints (Hirschberg-style time/memory trade, see `CheckpointedViterbi`).
 */
export function exactViterbi(input: ExactViterbiInput): ExactViterbiResult {
  const rowBytes = ((input.trellis.states - 1) >> 2) + 1;
  if ((input.frames - 1) * rowBytes <= input.budgetBytes) return fullViterbi(input, rowBytes);
  return new CheckpointedViterbi(input, rowBytes).run();
}

function fullViterbi(input: ExactViterbiInput, rowBytes: number): ExactViterbiResult {
  const { trellis, windows, scorer, frames } = input;
  const { lo, hi } = windows;
  const trace = new Uint8Array((frames - 1) * rowBytes);
  let prev = createRow(trellis.states);
  let cur = createRow(trellis.states);
  initRow(prev, lo[0]!, hi[0]!, scorer.fill(0), trellis);
  let cells = hi[0]! - lo[0]! + 1;
  for (let t = 1; t < frames; t++) {
    relaxRowTraced(
      prev,
      lo[t - 1]!,
      hi[t - 1]!,
      cur,
      lo[t]!,
      hi[t]!,
      scorer.fill(t),
      trellis,
      trace,
      (t - 1) * rowBytes,
    );
    cells += hi[t]! - lo[t]! + 1;
    const row = cur;
    cur = prev;
    prev = row;
  }
  const last = endState(prev, lo[frames - 1]!, hi[frames - 1]!, trellis.states);
  const states = new Int32Array(frames);
  states[frames - 1] = last;
  let s = last;
  for (let t = frames - 1; t > 0; t--) {
    s -= tracedStep(trace, (t - 1) * rowBytes, s);
    states[t - 1] = s;
  }
  return { states, score: prev[last]!, cells, checkpointed: false };
}

/**
 * Memory-bounded exact Viterbi by recursive checkpointing (the time/memory trade of Hirschberg's algorithm
 * and of checkpointed backpropagation): a forward pass keeps two alpha rows plus a copy every K frames; the
 * path is then recovered segment by segment from the last to the first, recomputing each segment's rows with
 * backpointers from its checkpoint. A segment still too long for the backpointer buffer is split the same way
 * one level down, so memory stays within the budget for any length (one extra pass per level). Recomputation
 * runs the same kernel over the same feasible windows, so it reproduces the forward pass bit for bit.
 */
class CheckpointedViterbi {
  private readonly trace: Uint8Array;
  /** Transitions one traced segment can hold. */
  private readonly segmentFrames: number;
  /** Checkpoint rows per recursion level (including the segment's own start row at level 0). */
  private readonly perLevel: number;
  private readonly pool: Float64Array[][] = [];
  private readonly scratch: [Float64Array, Float64Array];
  private readonly states: Int32Array;
  private cells = 0;

  public constructor(
    private readonly input: ExactViterbiInput,
    private readonly rowBytes: number,
  ) {
    const { states: width } = input.trellis;
    const half = input.budgetBytes / 2;
    this.segmentFrames = Math.max(1, Math.floor(half / rowBytes));
    const rowsBudget = Math.floor(half / (8 * width));
    const transitions = input.frames - 1;
    // Fewest levels (passes) whose checkpoints fit the row budget, then the fewest rows per level that still
    // bring segments down to what the backpointer buffer holds.
    const segments = Math.ceil(transitions / this.segmentFrames);
    let levels = 1;
    while (Math.max(2, Math.floor(rowsBudget / levels)) ** levels < segments) levels++;
    let perLevel = Math.max(2, Math.floor(segments ** (1 / levels)));
    while (perLevel ** levels < segments) perLevel++;
    this.perLevel = perLevel;
    this.trace = new Uint8Array(this.segmentFrames * rowBytes);
    this.scratch = [createRow(width), createRow(width)];
    this.states = new Int32Array(input.frames);
  }

  public run(): ExactViterbiResult {
    const { trellis, windows, scorer, frames } = this.input;
    const { lo, hi } = windows;
    const start = this.poolRow(0, 0);
    initRow(start, lo[0]!, hi[0]!, scorer.fill(0), trellis);
    this.cells += hi[0]! - lo[0]! + 1;
    const stride = Math.ceil((frames - 1) / this.perLevel);
    const finalRow = this.advance(start, 0, frames - 1, stride, 0);
    const last = endState(finalRow, lo[frames - 1]!, hi[frames - 1]!, trellis.states);
    const score = finalRow[last]!;
    this.states[frames - 1] = last;
    this.solveSegments(0, start, frames - 1, stride, 1);
    return { states: this.states, score, cells: this.cells, checkpointed: true };
  }

  /** Recovers states[a..b-1] given the row of frame a and states[b]. */
  private solve(a: number, rowA: Float64Array, b: number, level: number): void {
    const n = b - a;
    if (n <= this.segmentFrames) {
      this.traceSegment(a, rowA, b);
      return;
    }
    const stride = Math.ceil(n / this.perLevel);
    const lastCheckpoint = a + Math.floor((n - 1) / stride) * stride;
    this.advance(rowA, a, lastCheckpoint, stride, level);
    this.solveSegments(a, rowA, b, stride, level + 1);
  }

  /** Solves [a, b] as consecutive segments of `stride` frames, last first (each needs its successor's state). */
  private solveSegments(a: number, rowA: Float64Array, b: number, stride: number, childLevel: number): void {
    const count = Math.ceil((b - a) / stride);
    for (let k = count - 1; k >= 0; k--) {
      const segmentStart = a + k * stride;
      const segmentRow = k === 0 ? rowA : this.poolRow(childLevel - 1, k);
      this.solve(segmentStart, segmentRow, Math.min(segmentStart + stride, b), childLevel);
    }
  }

  /**
   * Steps from the row of frame a to frame `until`, copying the rows of frames a + k*stride (k >= 1) into the
   * checkpoint slots of `level`; returns the buffer holding frame `until`'s row.
   */
  private advance(rowA: Float64Array, a: number, until: number, stride: number, level: number): Float64Array {
    const { trellis, windows, scorer } = this.input;
    const { lo, hi } = windows;
    let prev = rowA;
    let next = 0;
    for (let t = a + 1; t <= until; t++) {
      const cur = this.scratch[next]!;
      relaxRow(prev, lo[t - 1]!, hi[t - 1]!, cur, lo[t]!, hi[t]!, scorer.fill(t), trellis);
      this.cells += hi[t]! - lo[t]! + 1;
      if ((t - a) % stride === 0)
        this.poolRow(level, (t - a) / stride).set(cur.subarray(lo[t]!, hi[t]! + 1), lo[t]!);
      prev = cur;
      next ^= 1;
    }
    return prev;
  }

  /** Recomputes rows a+1..b with backpointers from the row of frame a, then walks back from states[b]. */
  private traceSegment(a: number, rowA: Float64Array, b: number): void {
    const { trellis, windows, scorer } = this.input;
    const { lo, hi } = windows;
    const { trace, rowBytes, states } = this;
    let prev = rowA;
    let next = 0;
    for (let t = a + 1; t <= b; t++) {
      const cur = this.scratch[next]!;
      relaxRowTraced(
        prev,
        lo[t - 1]!,
        hi[t - 1]!,
        cur,
        lo[t]!,
        hi[t]!,
        scorer.fill(t),
        trellis,
        trace,
        (t - a - 1) * rowBytes,
      );
      this.cells += hi[t]! - lo[t]! + 1;
      prev = cur;
      next ^= 1;
    }
    let s = states[b]!;
    for (let t = b; t > a; t--) {
      s -= tracedStep(trace, (t - a - 1) * rowBytes, s);
      states[t - 1] = s;
    }
  }

  private poolRow(level: number, index: number): Float64Array {
    let rows = this.pool[level];
    if (rows === undefined) {
      rows = [];
      this.pool[level] = rows;
    }
    let row = rows[index];
    if (row === undefined) {
      row = createRow(this.input.trellis.states);
      rows[index] = row;
    }
    return row;
  }
}
