import { toSingleLine } from './label-text';
import type { TimedWord } from './timeline';

/** One word as a subtitle shows it: its text on one line and its timing. */
export interface CueWord {
  text: string;
  startMs: number;
  endMs: number;
}

/** A subtitle cue: consecutive words shown together, `endMs > startMs`. */
export interface Cue {
  startMs: number;
  endMs: number;
  words: CueWord[];
}

/**
 * When a cue is closed. The values follow common subtitle guidelines (about 42 characters a line, a few
 * seconds on screen) and keep karaoke highlighting readable; a single word longer than the limits still
 * gets a cue of its own.
 */
export const CUE_LIMITS = {
  /** Most words in one cue. */
  maxWords: 7,
  /** Most characters of text in one cue, spaces included. */
  maxChars: 42,
  /** A word that would end later than this after the cue start opens a new cue. */
  maxDurationMs: 4000,
  /** A silence at least this long between two words starts a new cue. */
  pauseMs: 1000,
} as const;

// Sentence-final punctuation, possibly followed by closing quotes or brackets: `end."`, `(so!)`.
const SENTENCE_END = /[.!?…。！？]["'”’»)\]]*$/u;

/**
 * Groups consecutive words into cues (see CUE_LIMITS; a sentence end also closes a cue). Words whose text
 * is empty once put on one line are left out. Cue starts are non-decreasing because word starts are.
 */
export function groupIntoCues(words: readonly TimedWord[]): Cue[] {
  const cues: Cue[] = [];
  let open: OpenCue | undefined;
  for (const word of words) {
    const text = toSingleLine(word.text);
    if (text === '') continue;
    const next: CueWord = { text, startMs: word.startMs, endMs: word.endMs };
    if (open !== undefined && closesBefore(open, next)) {
      cues.push(toCue(open));
      open = undefined;
    }
    if (open === undefined) {
      open = { words: [next], first: next, last: next, chars: text.length };
    } else {
      open.words.push(next);
      open.last = next;
      open.chars += 1 + text.length;
    }
  }
  if (open !== undefined) cues.push(toCue(open));
  return cues;
}

/** A cue still taking words: its words so far, the first and last of them, and its text length. */
interface OpenCue {
  words: CueWord[];
  first: CueWord;
  last: CueWord;
  chars: number;
}

function closesBefore({ words, first, last, chars }: OpenCue, next: CueWord): boolean {
  return (
    words.length >= CUE_LIMITS.maxWords ||
    chars + 1 + next.text.length > CUE_LIMITS.maxChars ||
    next.endMs - first.startMs > CUE_LIMITS.maxDurationMs ||
    next.startMs - last.endMs >= CUE_LIMITS.pauseMs ||
    SENTENCE_END.test(last.text)
  );
}

function toCue({ words, first }: OpenCue): Cue {
  const { startMs } = first;
  let endMs = startMs;
  for (const w of words) endMs = Math.max(endMs, w.endMs);
  // Subtitle formats need end > start; a cue of point-like (interpolated, unaligned) words gets 1 ms.
  return { startMs, endMs: Math.max(endMs, startMs + 1), words };
}
