import type { TranscriptAlignment } from '../align/align-transcript';
import type { AlignmentResult, ResultAudio, ResultModel, ResultSource } from './result';

/** Measured stage durations of one activity, in milliseconds. */
export interface StageTimings {
  downloadMs: number;
  inferenceMs: number;
  alignMs: number;
}

/** What a result document is assembled from. */
export interface ResultParts {
  mode: AlignmentResult['mode'];
  source: ResultSource;
  audio: ResultAudio;
  model: ResultModel;
  text: string;
  alignment: Pick<
    TranscriptAlignment,
    'words' | 'chars' | 'skippedTokens' | 'warnings' | 'meanWordScore' | 'lowScoreWords'
  >;
  timings: StageTimings;
}

/** Assembles the version-1 result document (docs/result-document.md) and its summary statistics. */
export function buildResult(parts: ResultParts): AlignmentResult {
  const { alignment, timings, audio } = parts;
  const wordsAligned = alignment.words.filter((w) => w.aligned).length;
  const processingMs = timings.inferenceMs + timings.alignMs;
  return {
    version: 1,
    mode: parts.mode,
    source: parts.source,
    audio,
    model: parts.model,
    text: parts.text,
    words: alignment.words,
    chars: alignment.chars,
    stats: {
      wordsTotal: alignment.words.length,
      wordsAligned,
      wordsUnaligned: alignment.words.length - wordsAligned,
      skippedTokens: alignment.skippedTokens,
      meanWordScore: round(alignment.meanWordScore, 4),
      lowScoreWords: alignment.lowScoreWords,
      downloadMs: Math.round(timings.downloadMs),
      inferenceMs: Math.round(timings.inferenceMs),
      alignMs: Math.round(timings.alignMs),
      // Processing time per second of audio: below 1 is faster than real time.
      realTimeFactor: audio.durationSec > 0 ? round(processingMs / 1000 / audio.durationSec, 4) : 0,
    },
    warnings: alignment.warnings,
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
