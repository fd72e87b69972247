import { InvalidInputError } from '../errors';
import type { CharTiming, WordTiming } from '../output/result';
import type { TokenizedTranscript, TranscriptWord } from '../text/tokenizer';
import type { AlignmentPath } from './alignment-path';
import type { Emissions } from './emissions';
import { roundMs, roundScore } from './rounding';

/** How frames become seconds, and the per-model correction applied to them. */
export interface TimingOptions {
  /** Seconds per emission frame. */
  frameSec: number;
  /** Added to aligned word and char start times (the model's calibrated correction); default 0. */
  startOffsetSec?: number;
  /** Added to aligned word and char end times; default 0. */
  endOffsetSec?: number;
  /** Audio duration; times are clamped into [0, durationSec]. Default: frames * frameSec. */
  durationSec?: number;
  /** Aligned words scoring below this are counted in `lowScoreWords`; default 0.5. */
  lowScoreThreshold?: number;
}

/** Per-word and per-character timings of one alignment, with the score summary. */
export interface Timings {
  words: WordTiming[];
  chars: CharTiming[];
  /** Mean score of the aligned words (0 when none is aligned). */
  meanWordScore: number;
  lowScoreWords: number;
}

/** Where one target landed on the path: its first and last frame and its posterior sum over them. */
interface TargetSpans {
  first: Int32Array;
  last: Int32Array;
  posteriorSum: Float64Array;
}

interface Span {
  start: number;
  end: number;
}

/** A word's timing and tokens, with its span once placed (null while it has none of its own). */
interface Placed<T extends Span | null> {
  timing: WordTiming;
  word: TranscriptWord;
  span: T;
}

/** Aligned words scoring below this are low-score words unless a caller sets its own threshold. */
export const DEFAULT_LOW_SCORE_THRESHOLD = 0.5;

/** Turns the frame path into per-word and per-character times and confidence scores. */
export function wordTimings(
  path: AlignmentPath,
  transcript: TokenizedTranscript,
  logProbs: Emissions,
  options: TimingOptions,
): Timings {
  const settings = checkOptions(options, logProbs.frames);
  checkShapes(path, transcript, logProbs);
  const spans = targetSpans(path, transcript, logProbs);

  const words: WordTiming[] = [];
  const chars: CharTiming[] = [];
  const placed: Placed<Span | null>[] = [];
  let previous: Span | null = null;
  for (const word of transcript.words) {
    const aligned = alignedWord(word.tokenStart, word.tokenEnd, transcript, spans, settings);
    if (aligned === null) {
      const timing: WordTiming = {
        word: word.word,
        normalized: word.normalized,
        start: 0,
        end: 0,
        score: 0,
        aligned: false,
      };
      placed.push({ timing, word, span: null });
      words.push(timing);
      continue;
    }
    const span = clampSpan(aligned.span, settings.durationSec);
    if (previous !== null && span.start < previous.end) splitOverlap(previous, span);
    previous = span;
    const timing: WordTiming = {
      word: word.word,
      normalized: word.normalized,
      start: 0,
      end: 0,
      score: aligned.score,
      aligned: true,
    };
    placed.push({ timing, word, span });
    words.push(timing);
  }

  for (const { timing, word, span } of fillUnaligned(placed, settings.durationSec)) {
    timing.start = roundMs(span.start);
    timing.end = roundMs(span.end);
    if (timing.aligned) {
      chars.push(...wordChars(word.tokenStart, word.tokenEnd, span, transcript, spans, settings));
    }
  }

  const alignedScores = words.filter((word) => word.aligned).map((word) => word.score);
  const meanWordScore =
    alignedScores.length === 0
      ? 0
      : roundScore(alignedScores.reduce((sum, s) => sum + s, 0) / alignedScores.length);
  const lowScoreWords = alignedScores.filter((score) => score < settings.lowScoreThreshold).length;
  return { words, chars, meanWordScore, lowScoreWords };
}

interface Settings {
  frameSec: number;
  startOffsetSec: number;
  endOffsetSec: number;
  durationSec: number;
  lowScoreThreshold: number;
}

function checkOptions(options: TimingOptions, frames: number): Settings {
  const { frameSec } = options;
  if (!(Number.isFinite(frameSec) && frameSec > 0)) {
    throw new InvalidInputError(
      `frameSec must be a positive number of seconds (0.02 for wav2vec2), got ${frameSec}`,
    );
  }
  const durationSec = options.durationSec ?? frames * frameSec;
  if (!(Number.isFinite(durationSec) && durationSec >= 0)) {
    throw new InvalidInputError(`durationSec must be a non-negative number of seconds, got ${durationSec}`);
  }
  const settings: Settings = {
    frameSec,
    durationSec,
    startOffsetSec: options.startOffsetSec ?? 0,
    endOffsetSec: options.endOffsetSec ?? 0,
    lowScoreThreshold: options.lowScoreThreshold ?? DEFAULT_LOW_SCORE_THRESHOLD,
  };
  for (const key of ['startOffsetSec', 'endOffsetSec', 'lowScoreThreshold'] as const) {
    if (!Number.isFinite(settings[key]))
      throw new InvalidInputError(`${key} must be a finite number, got ${settings[key]}`);
  }
  return settings;
}

function checkShapes(path: AlignmentPath, transcript: TokenizedTranscript, logProbs: Emissions): void {
  const { frames, vocab, data } = logProbs;
  if (data.length !== frames * vocab) {
    throw new InvalidInputError(
      `log-probs hold ${data.length} values but frames * vocab is ${frames} * ${vocab} = ${frames * vocab}`,
    );
  }
  if (path.states.length !== frames) {
    throw new InvalidInputError(
      `the path has ${path.states.length} states but the log-probs have ${frames} frames`,
    );
  }
  const { targets, targetIsChar } = transcript;
  for (let j = 0; j < targets.length; j++) {
    const id = targets[j]!;
    if (targetIsChar[j] === 1 && (id < 0 || id >= vocab)) {
      throw new InvalidInputError(
        `target ${j} is token id ${id}, outside the log-probs' vocabulary of ${vocab}`,
      );
    }
  }
}

function targetSpans(path: AlignmentPath, transcript: TokenizedTranscript, logProbs: Emissions): TargetSpans {
  const { targets, targetIsChar } = transcript;
  const stateCount = 2 * targets.length + 1;
  const first = new Int32Array(targets.length).fill(-1);
  const last = new Int32Array(targets.length).fill(-1);
  const posteriorSum = new Float64Array(targets.length);
  let previousState = 0;
  path.states.forEach((state, t) => {
    if (!(state >= 0 && state < stateCount && state >= previousState)) {
      throw new InvalidInputError(
        `path state ${state} at frame ${t} is invalid: states must be non-decreasing integers in 0..${stateCount - 1} ` +
          `(2 * ${targets.length} targets + 1)`,
      );
    }
    previousState = state;
    if ((state & 1) === 0) return;
    const j = state >> 1;
    if (first[j] === -1) first[j] = t;
    last[j] = t;
    if (targetIsChar[j] === 1)
      posteriorSum[j]! += posterior(logProbs.data[t * logProbs.vocab + targets[j]!]!);
  });
  return { first, last, posteriorSum };
}

/** exp(log-prob) kept in [0, 1] so raw logits or NaN cannot produce scores outside it. */
function posterior(logProb: number): number {
  const p = Math.exp(logProb);
  return p >= 0 ? Math.min(p, 1) : 0;
}

/** The word's raw span (offsets applied, unclamped) and frame-weighted score, or null when no char has frames. */
function alignedWord(
  tokenStart: number,
  tokenEnd: number,
  transcript: TokenizedTranscript,
  spans: TargetSpans,
  settings: Settings,
): { span: Span; score: number } | null {
  let firstFrame = -1;
  let lastFrame = -1;
  let frameCount = 0;
  let posteriorSum = 0;
  for (let j = tokenStart; j < tokenEnd; j++) {
    // A valid CTC path gives every target a frame; a target without one is simply left out.
    if (transcript.targetIsChar[j] !== 1 || spans.first[j] === -1) continue;
    if (firstFrame === -1) firstFrame = spans.first[j]!;
    lastFrame = spans.last[j]!;
    frameCount += spans.last[j]! - spans.first[j]! + 1;
    posteriorSum += spans.posteriorSum[j]!;
  }
  if (firstFrame === -1) return null;
  return {
    span: {
      start: firstFrame * settings.frameSec + settings.startOffsetSec,
      end: (lastFrame + 1) * settings.frameSec + settings.endOffsetSec,
    },
    // Frames are equally long, so the mean posterior over all of them is the duration-weighted char mean.
    score: roundScore(posteriorSum / frameCount),
  };
}

function wordChars(
  tokenStart: number,
  tokenEnd: number,
  word: Span,
  transcript: TokenizedTranscript,
  spans: TargetSpans,
  settings: Settings,
): CharTiming[] {
  const chars: CharTiming[] = [];
  for (let j = tokenStart; j < tokenEnd; j++) {
    const first = spans.first[j]!;
    if (transcript.targetIsChar[j] !== 1 || first === -1) continue;
    const last = spans.last[j]!;
    // Chars stay inside their word's corrected, clamped span.
    const start = clamp(first * settings.frameSec + settings.startOffsetSec, word.start, word.end);
    const end = clamp((last + 1) * settings.frameSec + settings.endOffsetSec, start, word.end);
    chars.push({
      char: transcript.targetText[j]!,
      start: roundMs(start),
      end: roundMs(end),
      score: roundScore(spans.posteriorSum[j]! / (last - first + 1)),
    });
  }
  return chars;
}

function clampSpan(span: Span, durationSec: number): Span {
  const start = clamp(span.start, 0, durationSec);
  return { start, end: clamp(span.end, start, durationSec) };
}

/** Offsets can make neighbours overlap; they meet halfway, never inverting either span. */
function splitOverlap(previous: Span, next: Span): void {
  const middle = Math.max(previous.start, Math.min((previous.end + next.start) / 2, next.end));
  previous.end = middle;
  next.start = middle;
  next.end = Math.max(next.end, middle);
}

/**
 * Every word with a span, in order: unaligned runs share the gap between the aligned neighbours evenly (0 and
 * durationSec at the edges).
 */
function fillUnaligned(placed: readonly Placed<Span | null>[], durationSec: number): Placed<Span>[] {
  const filled: Placed<Span>[] = [];
  let run: Placed<null>[] = [];
  let gapStart = 0;
  const share = (next: number): void => {
    const gapEnd = Math.max(gapStart, next);
    const step = (gapEnd - gapStart) / run.length;
    run.forEach(({ timing, word }, k) => {
      filled.push({ timing, word, span: { start: gapStart + k * step, end: gapStart + (k + 1) * step } });
    });
    run = [];
  };
  for (const { timing, word, span } of placed) {
    if (span === null) {
      run.push({ timing, word, span });
      continue;
    }
    if (run.length > 0) share(span.start);
    filled.push({ timing, word, span });
    gapStart = span.end;
  }
  if (run.length > 0) share(durationSec);
  return filled;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
