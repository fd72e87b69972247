import type { Vocabulary } from './vocabulary';

const TYPOGRAPHIC_APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u2032\uFF07]/gu;
const TYPOGRAPHIC_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/gu;
/** Whitespace, dashes and slashes join sub-words ("well-known", "1990–1995", "and/or"). */
const SUBWORD_SEPARATORS = /[\s\p{Pd}\u2212/\\\u2044]+/u;
/** Characters dropped without a warning: they are written, not spoken. */
const SILENT = /^[\p{P}\p{Sm}\p{Sc}\p{Sk}\p{C}\p{M}\p{Z}]$/u;
const COMBINING_MARKS = /\p{M}/gu;
const APOSTROPHE = "'";

/** NFKC plus typographic apostrophes and quotes folded to their ASCII forms. */
export function foldTypography(text: string): string {
  return text.normalize('NFKC').replace(TYPOGRAPHIC_APOSTROPHES, APOSTROPHE).replace(TYPOGRAPHIC_QUOTES, '"');
}

/** Splits a prepared word into the sub-words the model sees with a word delimiter between them. */
export function splitSubwords(text: string): string[] {
  return text.split(SUBWORD_SEPARATORS).filter((part) => part.length > 0);
}

/**
 * Maps one sub-word to token ids: case folded to the vocabulary's, accents stripped only where the accented
 * character has no token, punctuation dropped except an apostrophe between two kept characters. Letters,
 * digits and pictographs without a token are passed to `onUnknown` and left out.
 */
export function subwordTokens(
  subword: string,
  vocab: Vocabulary,
  onUnknown: (char: string) => void,
): number[] {
  const ids: number[] = [];
  const apostropheId = vocab.charToId.get(APOSTROPHE);
  let apostrophePending = false;
  const keep = (id: number): void => {
    if (apostrophePending && apostropheId !== undefined && ids.length > 0) ids.push(apostropheId);
    apostrophePending = false;
    ids.push(id);
  };
  for (const char of foldCase(subword, vocab)) {
    if (char === APOSTROPHE || char === '\u02BC') {
      apostrophePending = true;
      continue;
    }
    const id = lookup(char, vocab);
    if (id !== undefined) {
      keep(id);
      continue;
    }
    const fallback = fallbackOf(char, vocab);
    for (const baseId of fallback.ids) keep(baseId);
    for (const unknownChar of fallback.unknown) onUnknown(unknownChar);
  }
  return ids;
}

/** What a character without a token of its own becomes: its unaccented letters, or unknown characters. */
interface Fallback {
  ids: number[];
  unknown: string[];
}

/** Fallbacks are cached per vocabulary so a megabyte of one unknown script costs one NFD per distinct character. */
const fallbackCache = new WeakMap<Vocabulary, Map<string, Fallback>>();

function fallbackOf(char: string, vocab: Vocabulary): Fallback {
  let cache = fallbackCache.get(vocab);
  if (cache === undefined) {
    cache = new Map();
    fallbackCache.set(vocab, cache);
  }
  const cached = cache.get(char);
  if (cached !== undefined) return cached;
  const fallback: Fallback = { ids: [], unknown: [] };
  const stripped = char.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
  for (const base of stripped === char ? [] : stripped) {
    const baseId = lookup(base, vocab);
    if (baseId !== undefined) fallback.ids.push(baseId);
    else if (!SILENT.test(base)) fallback.unknown.push(base);
  }
  if (stripped === char && !SILENT.test(char)) fallback.unknown.push(char);
  cache.set(char, fallback);
  return fallback;
}

function foldCase(text: string, vocab: Vocabulary): string {
  // Whole sub-words are folded so context-dependent mappings (final sigma, "ß" -> "SS") come out right.
  if (vocab.letterCase === 'upper') return text.toUpperCase();
  if (vocab.letterCase === 'lower') return text.toLowerCase();
  return text;
}

function lookup(char: string, vocab: Vocabulary): number | undefined {
  const id = vocab.charToId.get(char);
  if (id !== undefined || vocab.letterCase === 'upper' || vocab.letterCase === 'lower') return id;
  return vocab.charToId.get(char.toUpperCase()) ?? vocab.charToId.get(char.toLowerCase());
}
