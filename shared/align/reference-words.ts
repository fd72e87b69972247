import { InternalError, InvalidInputError } from '../errors';
import type { TextGrid } from '../output/textgrid-reader';
import { foldTypography } from '../text/normalize';
import type { BoundaryErrors } from './timing-fit';

/** A word of a reference transcription with its true times; `timed` is false where the times are only a guess. */
export interface ReferenceWord {
  text: string;
  start: number;
  end: number;
  timed: boolean;
}

/** Transcript words paired with reference words of the same text, in order. */
export interface WordMatch {
  pairs: { word: number; reference: number }[];
  /** Words on each side with text to match (a word of punctuation alone has none). */
  words: number;
  referenceWords: number;
}

/** Below this share of either side's words paired, the reference is taken for another text. */
const MIN_MATCHED_SHARE = 0.5;
/** The matching table's size limit, 100 MB at 2 bytes a cell; it keeps the shorter side, and so every length, under 2^16. */
const MAX_MATCH_CELLS = 50_000_000;

/**
 * The words of a TextGrid's "words" tier (any case), or of its only interval tier: every interval with a label.
 * A label in parentheses, `(word)`, is a word this project's TextGrid writer could not align, so it is untimed.
 */
export function textGridReference(grid: TextGrid): ReferenceWord[] {
  const named = grid.tiers.filter((tier) => tier.name.toLowerCase() === 'words');
  const tier = named.length === 1 ? named[0] : grid.tiers.length === 1 ? grid.tiers[0] : undefined;
  if (tier === undefined) {
    const names = grid.tiers.map((t) => `"${t.name}"`).join(', ');
    throw new InvalidInputError(
      `the TextGrid needs one interval tier named "words" (it has ${names || 'none'})`,
    );
  }
  return tier.intervals
    .filter((interval) => interval.text.trim() !== '')
    .map((interval) => {
      const label = interval.text.trim();
      const guessed = label.length > 2 && label.startsWith('(') && label.endsWith(')');
      return {
        text: guessed ? label.slice(1, -1) : label,
        start: interval.xmin,
        end: interval.xmax,
        timed: !guessed,
      };
    });
}

/**
 * The words of a JSON reference, `{"words": [{"word", "start", "end"}]}` (a result document or a samples truth
 * file; a word with `"aligned": false` is untimed), or undefined for JSON without `words` (a descriptor).
 */
export function jsonReference(value: unknown): ReferenceWord[] | undefined {
  if (typeof value !== 'object' || value === null || !('words' in value)) return undefined;
  const { words } = value;
  if (!Array.isArray(words)) throw new InvalidInputError('its "words" is not a list');
  return words.map((entry: unknown, i): ReferenceWord => {
    const word = (entry ?? {}) as Record<string, unknown>;
    const { start, end } = word;
    if (typeof word.word !== 'string') throw new InvalidInputError(`words[${i}] has no "word" text`);
    if (typeof start !== 'number' || typeof end !== 'number' || !(start >= 0 && end >= start)) {
      throw new InvalidInputError(`words[${i}] ("${word.word}") needs numbers 0 <= "start" <= "end"`);
    }
    return { text: word.word, start, end, timed: word.aligned !== false };
  });
}

/**
 * Pairs transcript words with reference words by their text (case, punctuation and typography aside) in order,
 * the longest common sequence; words of either side without a counterpart are left out.
 */
export function matchReference(words: readonly string[], reference: readonly ReferenceWord[]): WordMatch {
  const left = keyed(words);
  const right = keyed(reference.map((word) => word.text));
  const pairs = commonSequence(
    left.map((word) => word.key),
    right.map((word) => word.key),
  ).map(([i, j]) => ({ word: left[i]!.index, reference: right[j]!.index }));
  return { pairs, words: left.length, referenceWords: right.length };
}

/** Whether a match pairs enough of both sides for the reference to be of the transcript's text. */
export function matchesTranscript(match: WordMatch): boolean {
  const enough = (total: number): boolean => match.pairs.length >= MIN_MATCHED_SHARE * total;
  return match.pairs.length > 0 && enough(match.words) && enough(match.referenceWords);
}

/**
 * Aligned minus reference start and end of every pair whose two words are timed: the aligned word has frames of
 * its own and the reference word is not a guess.
 */
export function boundaryErrors(
  words: readonly { start: number; end: number; aligned: boolean }[],
  reference: readonly ReferenceWord[],
  match: WordMatch,
): BoundaryErrors {
  const errors: BoundaryErrors = { starts: [], ends: [] };
  for (const pair of match.pairs) {
    const word = words[pair.word];
    const truth = reference[pair.reference]!;
    if (word === undefined) throw new InternalError(`word ${pair.word} of a match is not in the alignment`);
    if (!word.aligned || !truth.timed) continue;
    errors.starts.push(word.start - truth.start);
    errors.ends.push(word.end - truth.end);
  }
  return errors;
}

/** Words with their matching key, those without letters or digits left out. */
function keyed(texts: readonly string[]): { key: string; index: number }[] {
  return texts
    .map((text, index) => ({
      key: foldTypography(text)
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]/gu, ''),
      index,
    }))
    .filter((word) => word.key !== '');
}

/** Index pairs of a longest common subsequence of `a` and `b`. */
function commonSequence(a: readonly string[], b: readonly string[]): [number, number][] {
  // A shared head and tail are paired directly, so identical texts of any length need no table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const rows = a.length - head - tail;
  const columns = b.length - head - tail;
  if (rows * columns > MAX_MATCH_CELLS) {
    throw new InvalidInputError(
      `its words and the transcript's differ over ${rows} and ${columns} words, too many to match; split the file`,
    );
  }
  // length[i * width + j]: the common sequence length of a[head + i..] and b[head + j..].
  const width = columns + 1;
  const length = new Uint16Array((rows + 1) * width);
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      length[i * width + j] =
        a[head + i] === b[head + j]
          ? length[(i + 1) * width + j + 1]! + 1
          : Math.max(length[(i + 1) * width + j]!, length[i * width + j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  for (let k = 0; k < head; k++) pairs.push([k, k]);
  for (let i = 0, j = 0; i < rows && j < columns; ) {
    if (a[head + i] === b[head + j]) pairs.push([head + i++, head + j++]);
    else if (length[(i + 1) * width + j]! >= length[i * width + j + 1]!) i++;
    else j++;
  }
  for (let k = tail; k > 0; k--) pairs.push([a.length - k, b.length - k]);
  return pairs;
}
