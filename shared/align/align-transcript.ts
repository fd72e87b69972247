import type { CharTiming, WordTiming } from '../output/result';
import { type TokenizedTranscript, tokenizeTranscript } from '../text/tokenizer';
import type { Vocabulary } from '../text/vocabulary';
import type { AlignmentPath } from './alignment-path';
import { alignmentWarning } from './alignment-quality';
import { frameConfidence } from './confidence';
import { type ForcedAlignStats, forcedAlign } from './ctc-viterbi';
import type { Emissions } from './emissions';
import type { TimingCorrection } from './timing-fit';
import { wordTimings } from './word-timing';

/** How a transcript is aligned against one file's emissions. */
export interface AlignTranscriptOptions {
  vocabulary: Vocabulary;
  /** Seconds per emission frame (the model's stride, 0.02 for wav2vec2). */
  frameSec: number;
  /** Audio duration, so that corrected times never run past the end. */
  durationSec: number;
  /** DECODER_ROBUST_MODE: skip characters the vocabulary lacks instead of failing. */
  robust: boolean;
  /** ALIGNER_CONFIDENCE_WEIGHTING: weight each frame's log-probs by the model's confidence. */
  confidenceWeighting: boolean;
  /** Insert the `<star>` wildcard between words so speech missing from the transcript is absorbed. */
  star: boolean;
  /** The model's calibrated timing correction (config.json), added to word and char times. */
  timingCorrection?: TimingCorrection | undefined;
}

/** Words and characters with times and scores, plus what the alignment needs to report. */
export interface TranscriptAlignment {
  words: WordTiming[];
  chars: CharTiming[];
  skippedTokens: string[];
  warnings: string[];
  meanWordScore: number;
  lowScoreWords: number;
  path: AlignmentPath;
  viterbi: ForcedAlignStats;
}

/**
 * Star frames cost one nat more than the best real token, so the transcript wins wherever it matches; stars are
 * optional (merged into the blank slot they sit in) so that they never take a word onset frame.
 */
const STAR_PENALTY = -1;

/** The transcript's tokens and its best CTC path through one file's log-probs, before any timing. */
export interface TranscriptPath {
  transcript: TokenizedTranscript;
  path: AlignmentPath;
  viterbi: ForcedAlignStats;
}

/** Tokenizes the transcript, finds the best CTC path through the log-probs and turns it into timings. */
export function alignTranscript(
  logProbs: Emissions,
  text: string,
  options: AlignTranscriptOptions,
): TranscriptAlignment {
  return timeTranscriptPath(findTranscriptPath(logProbs, text, options), logProbs, options);
}

/**
 * Tokenizes the transcript and finds its best CTC path through the log-probs: the costly part of an alignment,
 * which no timing correction changes, so one path can be timed with several (as calibrate does).
 */
export function findTranscriptPath(
  logProbs: Emissions,
  text: string,
  options: Pick<AlignTranscriptOptions, 'vocabulary' | 'robust' | 'confidenceWeighting' | 'star'>,
): TranscriptPath {
  const { vocabulary } = options;
  const transcript = tokenizeTranscript(text, vocabulary, {
    robust: options.robust,
    star: options.star,
    starId: vocabulary.size,
  });
  const path = forcedAlign(logProbs, transcript.targets, {
    blank: vocabulary.blankId,
    frameWeights: options.confidenceWeighting ? frameConfidence(logProbs) : undefined,
    star: options.star ? { penalty: STAR_PENALTY, optional: true } : undefined,
  });
  return { transcript, path: { states: path.states, score: path.score }, viterbi: path.stats };
}

/** Times a transcript's path in seconds, with the timing correction applied, and judges the result. */
export function timeTranscriptPath(
  found: TranscriptPath,
  logProbs: Emissions,
  options: Pick<AlignTranscriptOptions, 'frameSec' | 'durationSec' | 'timingCorrection'>,
): TranscriptAlignment {
  const { transcript, path } = found;
  const timings = wordTimings(path, transcript, logProbs, {
    frameSec: options.frameSec,
    durationSec: options.durationSec,
    startOffsetSec: options.timingCorrection?.startSec ?? 0,
    endOffsetSec: options.timingCorrection?.endSec ?? 0,
  });
  // A transcript of other audio still aligns (CTC always finds a path); its result must not pass for a good one.
  const doubt = alignmentWarning(timings.words, timings);
  return {
    words: timings.words,
    chars: timings.chars,
    skippedTokens: transcript.skippedTokens,
    warnings: doubt === undefined ? [...transcript.warnings] : [...transcript.warnings, doubt],
    meanWordScore: timings.meanWordScore,
    lowScoreWords: timings.lowScoreWords,
    path,
    viterbi: found.viterbi,
  };
}
