/**
 * Exact CTC forced alignment (Viterbi) with bounded memory.
 *
 * Algorithm: the CTC trellis of Graves et al. (2006) searched with the Viterbi recurrence and tie rule of
 * torchaudio's `forced_align` CPU kernel (see `viterbi-kernel.ts`): among optimal paths, the chosen one is the
 * first when paths are compared backwards from the last frame — the final state prefers the last label over
 * the final blank, and each earlier step prefers stay, then advance, then skip.
 *
 * Unlike torchaudio (T x S backpointers, ~20 GB for an hour of speech) memory stays bounded:
 * - 'exact': every feasible cell, 2-bit backpointers when they fit the budget, else recursive checkpointing
 *   (Hirschberg-style recomputation, `viterbi-exact.ts`);
 * - 'banded': a beam-pruned band with an optimality certificate (`viterbi-banded.ts`); when the certificate
 *   fails, a branch-and-bound band seeded with the first band's score; when that cannot finish within its
 *   memory, the exact search. The result is always the exact path.
 * - 'auto': the exact search for small trellises, the banded search otherwise.
 *
 * Cost: the beam pass is cheap (tens of states per frame) and usually already finds the optimal score, but
 * its certificate only holds for short inputs, because U (sum of per-frame maxima) over-promises by the best
 * path's remaining "regret" (U - score). The branch-and-bound band keeps the states within that regret, so its
 * width grows with what is left of the file: about 1e3 states per frame for an hour of speech, 4-5e3 for four
 * hours (see `npm run bench`), still 1-2 % of the full trellis.
 */
import { AlignmentUnreachableError, InvalidInputError } from '../errors';
import type { AlignmentPath } from './alignment-path';
import type { Emissions } from './emissions';
import { buildTrellis, type FeasibleWindows, feasibleWindows, type Trellis } from './trellis-model';
import { FrameScorer, type FutureBound, futureBound, type ScoreSpec } from './trellis-scores';
import { foldStars, unfoldStates } from './trellis-stars';
import {
  type BandedInput,
  type BandedResult,
  type BandedWorkspace,
  type BandPruning,
  bandedViterbi,
} from './viterbi-banded';
import { exactViterbi } from './viterbi-exact';
import { checkAlignmentInputs } from './viterbi-preconditions';

/** How `forcedAlign` scores and searches. */
export interface ForcedAlignOptions {
  /** Blank (pad) token id. */
  blank: number;
  /** c_t: each frame's emission log-probs are multiplied by it (confidence weighting); values in [0, 1]. */
  frameWeights?: Float32Array | undefined;
  /**
   * Enables the `<star>` wildcard: a target id equal to `emissions.vocab` scores, per frame, the best non-blank
   * emission plus `penalty` (<= 0), so it absorbs untranscribed speech but loses to matching tokens.
   * Like every CTC target a star takes at least one frame; with `optional: true` it takes none unless it wins
   * them (it is folded into its blank slot, see `trellis-stars.ts`), so stars between all words no longer
   * steal word onsets. The returned states still number the targets as given.
   */
  star?: { penalty: number; optional?: boolean } | undefined;
  /** Search strategy; default 'auto'. Every strategy returns the same (exact) path. */
  strategy?: 'auto' | 'exact' | 'banded';
  /** Beam (nats) of the first banded pass; default 24. */
  beam?: number;
  /** Bytes the exact search may spend on backpointers and checkpoints before it checkpoints; default 64 MiB. */
  exactBudgetBytes?: number;
  /**
   * Bytes a banded pass may spend on backpointers; past them it keeps checkpoint rows instead (up to as many
   * bytes again) and recomputes, and past those it leaves the path to the exact search. Default 512 MiB.
   */
  bandBudgetBytes?: number;
}

/** How the path was found. */
export interface ForcedAlignStats {
  strategy: 'exact-full' | 'exact-checkpointed' | 'banded';
  /** Passes that produced or tried to produce the path (banded passes plus the exact one, if it ran). */
  attempts: number;
  /** Trellis cells computed over all passes (recomputation included). */
  cells: number;
  /** True when banded passes could not certify a path and the exact search decided. */
  fellBack: boolean;
}

const DEFAULT_BEAM = 24;
const DEFAULT_EXACT_BUDGET = 64 * 1024 * 1024;
const DEFAULT_BAND_BUDGET = 512 * 1024 * 1024;
/** Below this many feasible cells 'auto' runs the exact search: cheaper than the banded passes' overhead. */
const AUTO_EXACT_CELLS = 1 << 18;
/** Beam passes that found no complete path are retried with a wider beam this many times. */
const BEAM_RETRIES = 2;

/** Exact Viterbi CTC forced alignment of `targets` against log-prob `emissions`. */
export function forcedAlign(
  emissions: Emissions,
  targets: Int32Array,
  options: ForcedAlignOptions,
): AlignmentPath & { stats: ForcedAlignStats } {
  const search = checkSearchOptions(options);
  const scoring: ScoreSpec = {
    blank: options.blank,
    frameWeights: options.frameWeights,
    starPenalty: options.star?.penalty,
  };
  const starsOptional = options.star?.optional === true;
  checkAlignmentInputs({ emissions, targets, ...scoring, starsOptional });
  const { frames } = emissions;
  const folded = starsOptional ? foldStars(targets, emissions.vocab) : undefined;
  const trellis = buildTrellis(folded?.targets ?? targets, options.blank, folded?.wild);
  const windows = feasibleWindows(trellis, frames);
  const scorer = new FrameScorer(emissions, trellis.tokens, scoring);
  const useBand =
    search.strategy === 'banded' ||
    (search.strategy === 'auto' && feasibleCells(windows, frames) > AUTO_EXACT_CELLS);
  const banded = useBand
    ? bandedSearch({ trellis, windows, scorer, frames, bound: checkedBound(scorer, trellis, frames) }, search)
    : { found: undefined, attempts: 0, cells: 0 };
  let path: AlignmentPath;
  let stats: ForcedAlignStats;
  if (banded.found !== undefined) {
    path = banded.found;
    stats = { strategy: 'banded', attempts: banded.attempts, cells: banded.cells, fellBack: false };
  } else {
    const exact = exactViterbi({ trellis, windows, scorer, frames, budgetBytes: search.exactBudgetBytes });
    if (exact.score === Number.NEGATIVE_INFINITY) throw unreachable(trellis);
    path = exact;
    stats = {
      strategy: exact.checkpointed ? 'exact-checkpointed' : 'exact-full',
      attempts: banded.attempts + 1,
      cells: banded.cells + exact.cells,
      fellBack: useBand,
    };
  }
  const states =
    folded === undefined ? path.states : unfoldStates(path.states, folded, (t) => scorer.starWins(t));
  return { states, score: path.score, stats };
}

type SearchSettings = ReturnType<typeof checkSearchOptions>;

/**
 * The banded search: a beam pass (widened if its band loses every complete path); if its certificate fails,
 * a branch-and-bound pass against the beam path's score. Returns the certified path, or none when the
 * passes could not produce one within their memory (the caller then runs the exact search).
 */
function bandedSearch(input: BandedInput, search: SearchSettings) {
  const { windows, frames } = input;
  const workspace: BandedWorkspace = {
    trace: new Uint8Array(Math.min(search.bandBudgetBytes, feasibleTraceBytes(windows, frames))),
    rowOffsets: new Int32Array(frames),
    bandLo: new Int32Array(frames),
    bandHi: new Int32Array(frames),
  };
  let attempts = 0;
  let cells = 0;
  const pass = (pruning: BandPruning): BandedResult => {
    const result = bandedViterbi(input, workspace, pruning);
    attempts++;
    cells += result.cells;
    return result;
  };
  let beam = search.beam;
  let result = pass({ kind: 'beam', beam });
  for (let retry = 0; retry < BEAM_RETRIES && result.states === undefined && !result.tooWide; retry++) {
    beam = 4 * beam + 8;
    result = pass({ kind: 'beam', beam });
  }
  if (!result.certified && result.states !== undefined)
    result = pass({ kind: 'bound', lowerBound: result.score });
  const found =
    result.certified && result.states !== undefined
      ? { states: result.states, score: result.score }
      : undefined;
  return { found, attempts, cells };
}

/** The banded search's future bound; a frame where every transcript token is impossible ends the alignment. */
function checkedBound(scorer: FrameScorer, trellis: Trellis, frames: number): FutureBound {
  const bound = futureBound(scorer, trellis.tokens, frames);
  if (bound.deadFrame >= 0) {
    throw unreachable(
      trellis,
      `frame ${bound.deadFrame} gives every transcript token log-probability -Infinity`,
    );
  }
  return bound;
}

function checkSearchOptions(options: ForcedAlignOptions) {
  const strategy = options.strategy ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'exact' && strategy !== 'banded') {
    throw new InvalidInputError(
      `strategy must be 'auto', 'exact' or 'banded', got ${JSON.stringify(strategy)}`,
    );
  }
  const beam = options.beam ?? DEFAULT_BEAM;
  if (!(Number.isFinite(beam) && beam >= 0))
    throw new InvalidInputError(`beam must be a finite number >= 0, got ${beam}`);
  const exactBudgetBytes = checkBudget('exactBudgetBytes', options.exactBudgetBytes ?? DEFAULT_EXACT_BUDGET);
  const bandBudgetBytes = checkBudget('bandBudgetBytes', options.bandBudgetBytes ?? DEFAULT_BAND_BUDGET);
  return { strategy, beam, exactBudgetBytes, bandBudgetBytes };
}

function checkBudget(name: string, bytes: number): number {
  // Band backpointer offsets are Int32, so a budget must stay below 2 GiB.
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 0x7fffffff) {
    throw new InvalidInputError(`${name} must be an integer number of bytes in [1, 2^31 - 1], got ${bytes}`);
  }
  return bytes;
}

function feasibleCells(windows: FeasibleWindows, frames: number): number {
  let cells = 0;
  for (let t = 0; t < frames; t++) cells += windows.hi[t]! - windows.lo[t]! + 1;
  return cells;
}

/** Backpointer bytes of the widest possible band (every feasible cell), so small inputs get small buffers. */
function feasibleTraceBytes(windows: FeasibleWindows, frames: number): number {
  let bytes = 0;
  for (let t = 1; t < frames; t++) bytes += (windows.hi[t]! >> 2) - (windows.lo[t]! >> 2) + 1;
  return Math.max(bytes, 1);
}

function unreachable(trellis: Trellis, reason?: string): AlignmentUnreachableError {
  return new AlignmentUnreachableError(
    `every complete path of the ${trellis.labels} transcript tokens crosses a log-probability of -Infinity` +
      (reason === undefined ? '' : ` (${reason})`),
  );
}
