import { InvalidInputError } from '../errors';
import type { CharTiming, WordTiming } from './result';
import { toMilliseconds } from './time-format';

/** A word in whole milliseconds, checked for the ordering every writer relies on. */
export interface TimedWord {
  text: string;
  startMs: number;
  endMs: number;
  score: number;
  aligned: boolean;
}

/** A character (model token) in whole milliseconds. */
export interface TimedChar {
  text: string;
  startMs: number;
  endMs: number;
}

interface Timed {
  start: number;
  end: number;
}

/**
 * Converts result words to milliseconds and checks them: finite, non-negative, start <= end, starts
 * non-decreasing. Words may overlap (a per-model timing correction widens them); each writer resolves that.
 */
export function toTimedWords(words: readonly WordTiming[]): TimedWord[] {
  checkTimeline(words, 'word');
  return words.map((w, i) => {
    if (!Number.isFinite(w.score)) {
      throw new InvalidInputError(`word ${i} has score ${w.score}; expected a finite number between 0 and 1`);
    }
    return {
      text: w.word,
      startMs: toMilliseconds(w.start),
      endMs: toMilliseconds(w.end),
      score: w.score,
      aligned: w.aligned,
    };
  });
}

/** Converts result characters to milliseconds, with the same checks as words. */
export function toTimedChars(chars: readonly CharTiming[]): TimedChar[] {
  checkTimeline(chars, 'char');
  return chars.map((c) => ({ text: c.char, startMs: toMilliseconds(c.start), endMs: toMilliseconds(c.end) }));
}

// Messages name the index, never the text: transcripts may be personal data and errors get logged.
function checkTimeline(items: readonly Timed[], kind: 'word' | 'char'): void {
  let previousStart = 0;
  items.forEach((item, i) => {
    const { start, end } = item;
    if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end < start) {
      throw new InvalidInputError(
        `${kind} ${i} has start ${start} s and end ${end} s; expected finite seconds with 0 <= start <= end`,
      );
    }
    if (start < previousStart) {
      throw new InvalidInputError(
        `${kind} ${i} starts at ${start} s, before the previous ${kind} (${previousStart} s); ` +
          `expected ${kind}s in time order`,
      );
    }
    previousStart = start;
  });
}
