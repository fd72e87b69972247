import type { CharTiming, WordTiming } from '../output/result';
import { tokenText, type Vocabulary } from '../text/vocabulary';
import type { Emissions } from './emissions';
import { roundMs, roundScore } from './rounding';

/** What transcribe mode produces: the decoded text and its words and characters with times and scores. */
export interface GreedyTranscript {
  text: string;
  words: WordTiming[];
  chars: CharTiming[];
  meanWordScore: number;
  lowScoreWords: number;
}

/** Frame stride, the model's timing correction and the audio length that bounds the times. */
export interface GreedyOptions {
  frameSec: number;
  durationSec: number;
  startOffsetSec?: number;
  endOffsetSec?: number;
  lowScoreThreshold?: number;
}

interface Run {
  token: number;
  first: number;
  last: number;
  posteriorSum: number;
}

/**
 * Best-path (greedy) CTC decoding: the most likely token per frame, repeats merged, blanks and special tokens
 * dropped, words split at the delimiter. Used when an activity has no transcript (transcribe mode,
 * docs/s3-layout.md#transcripts).
 */
export function greedyTranscribe(
  logProbs: Emissions,
  vocabulary: Vocabulary,
  options: GreedyOptions,
): GreedyTranscript {
  const runs = tokenRuns(logProbs, vocabulary);
  const words: WordTiming[] = [];
  const chars: CharTiming[] = [];
  let current: Run[] = [];
  const flush = (): void => {
    const firstRun = current[0];
    const lastRun = current.at(-1);
    if (firstRun === undefined || lastRun === undefined) return;
    let word = '';
    let weighted = 0;
    let frames = 0;
    for (const run of current) {
      const char = tokenText(vocabulary, run.token);
      const length = run.last - run.first + 1;
      const score = run.posteriorSum / length;
      word += char;
      weighted += score * length;
      frames += length;
      chars.push({
        char,
        ...times(run.first, run.last, options),
        score: roundScore(score),
      });
    }
    words.push({
      word,
      normalized: word,
      ...times(firstRun.first, lastRun.last, options),
      score: roundScore(weighted / frames),
      aligned: true,
    });
    current = [];
  };
  for (const run of runs) {
    if (run.token === vocabulary.delimiterId) flush();
    else current.push(run);
  }
  flush();
  keepOrdered(words);
  const threshold = options.lowScoreThreshold ?? 0.5;
  return {
    text: words.map((w) => w.word).join(' '),
    words,
    chars,
    meanWordScore: words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.score, 0) / words.length,
    lowScoreWords: words.filter((w) => w.score < threshold).length,
  };
}

function tokenRuns(logProbs: Emissions, vocabulary: Vocabulary): Run[] {
  const { data, frames, vocab } = logProbs;
  const runs: Run[] = [];
  let previous = -1;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    let bestScore = data[t * vocab]!;
    for (let v = 1; v < vocab; v++) {
      const score = data[t * vocab + v]!;
      if (score > bestScore) {
        best = v;
        bestScore = score;
      }
    }
    const isToken =
      best !== vocabulary.blankId && (best === vocabulary.delimiterId || !vocabulary.specialIds.has(best));
    // The same token as the frame before extends that frame's run (always the last one).
    const run = isToken && best === previous ? runs.at(-1) : undefined;
    if (run !== undefined) {
      run.last = t;
      run.posteriorSum += Math.exp(bestScore);
    } else if (isToken) {
      runs.push({ token: best, first: t, last: t, posteriorSum: Math.exp(bestScore) });
    }
    previous = best;
  }
  return runs;
}

function times(first: number, last: number, options: GreedyOptions): { start: number; end: number } {
  const start = clamp(first * options.frameSec + (options.startOffsetSec ?? 0), options.durationSec);
  const end = clamp((last + 1) * options.frameSec + (options.endOffsetSec ?? 0), options.durationSec);
  return { start: roundMs(start), end: roundMs(Math.max(start, end)) };
}

/** A timing correction can make neighbours overlap; they then meet at the first one's end. */
function keepOrdered(words: WordTiming[]): void {
  let previous: WordTiming | undefined;
  for (const word of words) {
    if (previous !== undefined) {
      if (word.start < previous.end) word.start = previous.end;
      if (word.end < word.start) word.end = word.start;
    }
    previous = word;
  }
}

function clamp(seconds: number, durationSec: number): number {
  return Math.min(Math.max(seconds, 0), durationSec);
}
