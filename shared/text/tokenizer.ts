import { InvalidInputError, TranscriptEmptyError, UnknownTokensError } from '../errors';
import { foldTypography, splitSubwords, subwordTokens } from './normalize';
import { speakNumbers } from './numbers';
import type { Vocabulary } from './vocabulary';

/** One whitespace-separated word of the transcript and the targets that spell it. */
export interface TranscriptWord {
  /** Original spelling, punctuation included ("Hello,"). */
  word: string;
  /** The spoken form in the model's characters, sub-words separated by spaces ("HELLO", "WELL KNOWN"). */
  normalized: string;
  /** [tokenStart, tokenEnd) into the targets; an empty range means the word has no alignable token. */
  tokenStart: number;
  tokenEnd: number;
}

/** The transcript as CTC targets, with the bookkeeping that maps them back to words. */
export interface TokenizedTranscript {
  readonly words: TranscriptWord[];
  /** Token ids, word delimiters between words (and star ids when asked for). */
  readonly targets: Int32Array;
  /** Per target: index of its word, or -1 for an inter-word delimiter or a star. */
  readonly targetWord: Int32Array;
  /** Per target: 1 for a character of a word, 0 for a delimiter or a star. */
  readonly targetIsChar: Uint8Array;
  /** Per target: the text it stands for ("H", "|", "<star>"). */
  readonly targetText: readonly string[];
  /** Unique characters skipped because the vocabulary lacks them, in first-seen order. */
  readonly skippedTokens: string[];
  readonly warnings: string[];
}

/** How the transcript is turned into targets. */
export interface TokenizeOptions {
  /** DECODER_ROBUST_MODE: skip characters the vocabulary lacks (true) or fail naming them (false). */
  robust: boolean;
  /** Put a `<star>` wildcard target at the start, between words and at the end. */
  star?: boolean;
  /** Id of the star target; defaults to the vocabulary size (one past the last real token). */
  starId?: number;
}

export const STAR_TOKEN = '<star>';

/** What each target stands for; only CHAR targets become result chars. */
const DELIMITER = 0;
const CHAR = 1;
const STAR = 2;
type TargetKind = typeof DELIMITER | typeof CHAR | typeof STAR;

/** How many skipped characters the warning names before it summarises the rest. */
const WARNING_NAMED_LIMIT = 50;

/** Turns the transcript into model targets, keeping every original word in order. */
export function tokenizeTranscript(
  text: string,
  vocab: Vocabulary,
  options: TokenizeOptions,
): TokenizedTranscript {
  if (typeof text !== 'string') {
    throw new InvalidInputError(
      `the transcript must be a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
  const starId = options.starId ?? vocab.size;
  if (options.star === true && (!Number.isInteger(starId) || starId < 0)) {
    throw new InvalidInputError(
      `starId must be a non-negative integer (normally the vocabulary size), got ${starId}`,
    );
  }
  const rawWords = text.match(/\S+/gu) ?? [];
  if (rawWords.length === 0) {
    throw new TranscriptEmptyError('the transcript is empty; give the text spoken in the audio');
  }

  const unknown = new Set<string>();
  const onUnknown = (char: string): void => {
    unknown.add(char);
  };
  const targets = new TargetBuffer();
  const pushStar = (): void => targets.push(starId, -1, STAR);
  const pushDelimiter = (word: number): void => {
    if (vocab.delimiterId !== null) targets.push(vocab.delimiterId, word, DELIMITER);
  };

  const words: TranscriptWord[] = [];
  let alignedWords = 0;
  rawWords.forEach((word, index) => {
    const subwords = subwordsOf(word, vocab, onUnknown);
    if (subwords.length === 0) {
      words.push({ word, normalized: '', tokenStart: targets.length, tokenEnd: targets.length });
      return;
    }
    if (alignedWords > 0) pushDelimiter(-1);
    if (options.star === true) pushStar();
    const tokenStart = targets.length;
    subwords.forEach((ids, position) => {
      if (position > 0) pushDelimiter(index);
      for (const id of ids) targets.push(id, index, CHAR);
    });
    const normalized = subwords.map((ids) => ids.map((id) => vocab.idToToken[id]).join('')).join(' ');
    words.push({ word, normalized, tokenStart, tokenEnd: targets.length });
    alignedWords += 1;
  });

  const skippedTokens = [...unknown];
  if (skippedTokens.length > 0 && !options.robust) throw new UnknownTokensError(skippedTokens);
  if (alignedWords === 0) throw new TranscriptEmptyError(nothingAlignable(skippedTokens));
  if (options.star === true) pushStar();

  return {
    words,
    ...targets.finish(vocab),
    skippedTokens,
    warnings: skippedTokens.length > 0 ? [skippedWarning(skippedTokens)] : [],
  };
}

/** Growable typed columns: a megabyte of text makes millions of targets, too many for boxed arrays. */
class TargetBuffer {
  public length = 0;
  private ids = new Int32Array(1024);
  private words = new Int32Array(1024);
  private kinds = new Uint8Array(1024);

  public push(id: number, word: number, kind: TargetKind): void {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length] = id;
    this.words[this.length] = word;
    this.kinds[this.length] = kind;
    this.length += 1;
  }

  public finish(
    vocab: Vocabulary,
  ): Pick<TokenizedTranscript, 'targets' | 'targetWord' | 'targetIsChar' | 'targetText'> {
    const targets = this.ids.slice(0, this.length);
    const kinds = this.kinds.subarray(0, this.length);
    const targetText = new Array<string>(this.length);
    // Every id pushed came from this vocabulary (its characters and delimiter), so each has a token.
    for (let j = 0; j < this.length; j++) {
      targetText[j] = kinds[j] === STAR ? STAR_TOKEN : vocab.idToToken[targets[j]!]!;
    }
    return {
      targets,
      targetWord: this.words.slice(0, this.length),
      targetIsChar: kinds.map((kind) => (kind === CHAR ? 1 : 0)),
      targetText,
    };
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Int32Array(size);
    const words = new Int32Array(size);
    const kinds = new Uint8Array(size);
    ids.set(this.ids);
    words.set(this.words);
    kinds.set(this.kinds);
    this.ids = ids;
    this.words = words;
    this.kinds = kinds;
  }
}

function subwordsOf(word: string, vocab: Vocabulary, onUnknown: (char: string) => void): number[][] {
  const folded = foldTypography(word);
  // A model trained on written digits aligns them as they are; otherwise they are said as words.
  const spoken = vocab.hasDigits ? folded : speakNumbers(folded);
  return splitSubwords(spoken)
    .map((subword) => subwordTokens(subword, vocab, onUnknown))
    .filter((ids) => ids.length > 0);
}

function quoted(chars: readonly string[]): string {
  const named = chars.slice(0, WARNING_NAMED_LIMIT).map((char) => JSON.stringify(char));
  const more = chars.length - named.length;
  return named.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

function skippedWarning(chars: readonly string[]): string {
  return `skipped ${chars.length} transcript character(s) the model vocabulary does not contain: ${quoted(chars)}`;
}

function nothingAlignable(skipped: readonly string[]): string {
  const why =
    skipped.length > 0
      ? `its characters are not in the model vocabulary (${quoted(skipped)})`
      : 'it holds only punctuation and symbols';
  return `the transcript has nothing the model can align: ${why}; give the words spoken in the audio`;
}
