import { TranscriptEmptyError, UnknownTokensError } from '../../../shared/errors';
import { STAR_TOKEN, type TokenizedTranscript, tokenizeTranscript } from '../../../shared/text/tokenizer';
import { createVocabulary, type Vocabulary } from '../../../shared/text/vocabulary';
import { WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

/** facebook/wav2vec2-base-960h's vocab.json. */
const BASE_960H = createVocabulary(
  { ...WAV2VEC2_BASE_VOCAB },
  { pad_token_id: 0, word_delimiter_token: '|' },
);

/** BASE_960H with its character lookups counted: the tokenizer's work on a transcript, as a number. */
function countingVocabulary(): { vocab: Vocabulary; lookups: () => number } {
  let lookups = 0;
  class CountingMap extends Map<string, number> {
    public override get(key: string): number | undefined {
      lookups++;
      return super.get(key);
    }
  }
  return { vocab: { ...BASE_960H, charToId: new CountingMap(BASE_960H.charToId) }, lookups: () => lookups };
}

function spelled(transcript: TokenizedTranscript): string {
  return transcript.targetText.join('');
}

function wordTargets(transcript: TokenizedTranscript, index: number): string {
  const word = transcript.words[index]!;
  return transcript.targetText.slice(word.tokenStart, word.tokenEnd).join('');
}

describe('tokenizeTranscript', () => {
  it('puts word delimiters between words only, as wav2vec2 was trained', () => {
    // Act
    const transcript = tokenizeTranscript('I had that', BASE_960H, { robust: true });

    // Assess
    expect(spelled(transcript)).toBe('I|HAD|THAT');
    expect(Array.from(transcript.targets.slice(0, 3))).toEqual([10, 4, 11]);
    expect(Array.from(transcript.targetWord)).toEqual([0, -1, 1, 1, 1, -1, 2, 2, 2, 2]);
    expect(Array.from(transcript.targetIsChar)).toEqual([1, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(transcript.warnings).toEqual([]);
  });

  it('keeps the original spelling and gives the normalized form', () => {
    const transcript = tokenizeTranscript('  Hello,\n\t“World”!  ', BASE_960H, { robust: true });

    expect(transcript.words).toEqual([
      { word: 'Hello,', normalized: 'HELLO', tokenStart: 0, tokenEnd: 5 },
      { word: '“World”!', normalized: 'WORLD', tokenStart: 6, tokenEnd: 11 },
    ]);
  });

  it('gives the internal delimiters of a split word to that word', () => {
    const transcript = tokenizeTranscript('a well-known fact', BASE_960H, { robust: true });

    expect(spelled(transcript)).toBe('A|WELL|KNOWN|FACT');
    expect(wordTargets(transcript, 1)).toBe('WELL|KNOWN');
    expect(transcript.words[1]?.normalized).toBe('WELL KNOWN');
    expect(transcript.targetWord[6]).toBe(1);
    expect(transcript.targetIsChar[6]).toBe(0);
  });

  it('keeps a word with no alignable token in place without adding a delimiter', () => {
    const transcript = tokenizeTranscript('yes — no', BASE_960H, { robust: true });

    expect(spelled(transcript)).toBe('YES|NO');
    expect(transcript.words[1]).toEqual({ word: '—', normalized: '', tokenStart: 3, tokenEnd: 3 });
    expect(wordTargets(transcript, 2)).toBe('NO');
  });

  it('tokenizes numbers, years and money fully', () => {
    // Act
    const transcript = tokenizeTranscript('in 1999 she paid $3.50', BASE_960H, { robust: false });

    // Assess
    expect(transcript.words.map((word) => word.word)).toEqual(['in', '1999', 'she', 'paid', '$3.50']);
    expect(transcript.words.map((word) => word.normalized)).toEqual([
      'IN',
      'NINETEEN NINETY NINE',
      'SHE',
      'PAID',
      'THREE DOLLARS FIFTY CENTS',
    ]);
    expect(spelled(transcript)).toBe('IN|NINETEEN|NINETY|NINE|SHE|PAID|THREE|DOLLARS|FIFTY|CENTS');
    expect(transcript.skippedTokens).toEqual([]);
  });

  it('keeps digits as they are when the model writes digits', () => {
    const vocab = createVocabulary(
      { '<pad>': 0, '|': 1, ...Object.fromEntries([...'0123456789ab'].map((c, i) => [c, i + 2])) },
      {},
    );

    expect(spelled(tokenizeTranscript('a 1999 b', vocab, { robust: true }))).toBe('a|1999|b');
  });

  it('concatenates words when the model has no word delimiter', () => {
    const vocab = createVocabulary({ '<pad>': 0, a: 1, b: 2 }, {});

    const transcript = tokenizeTranscript('ab ba', vocab, { robust: true });

    expect(spelled(transcript)).toBe('abba');
    expect(transcript.words[1]?.tokenStart).toBe(2);
  });

  it('surrounds words with star wildcards when asked', () => {
    // Act
    const transcript = tokenizeTranscript('a - be', BASE_960H, { robust: true, star: true });

    // Assess
    const star = BASE_960H.size;
    expect(transcript.targetText).toEqual([STAR_TOKEN, 'A', '|', STAR_TOKEN, 'B', 'E', STAR_TOKEN]);
    expect(Array.from(transcript.targets)).toEqual([star, 7, 4, star, 24, 5, star]);
    expect(Array.from(transcript.targetWord)).toEqual([-1, 0, -1, -1, 2, 2, -1]);
    expect(transcript.words[2]).toMatchObject({ tokenStart: 4, tokenEnd: 6 });
  });

  it('uses the star id it is given', () => {
    const transcript = tokenizeTranscript('a', BASE_960H, { robust: true, star: true, starId: 99 });

    expect(Array.from(transcript.targets)).toEqual([99, 7, 99]);
  });

  it('skips unknown tokens with a single warning naming them', () => {
    // Act
    const transcript = tokenizeTranscript('日本 is 日 fun 😀', BASE_960H, { robust: true });

    // Assess
    expect(spelled(transcript)).toBe('IS|FUN');
    expect(transcript.skippedTokens).toEqual(['日', '本', '😀']);
    expect(transcript.warnings).toHaveLength(1);
    expect(transcript.warnings[0]).toContain('"日", "本", "😀"');
    expect(transcript.words[0]).toMatchObject({ word: '日本', normalized: '', tokenStart: 0, tokenEnd: 0 });
  });

  it('fails naming every unknown character when not robust', () => {
    // Act
    const act = () => tokenizeTranscript('x 日 y 😀 z 日', BASE_960H, { robust: false });

    // Assess
    expect(act).toThrow(UnknownTokensError);
    try {
      act();
    } catch (error) {
      expect((error as UnknownTokensError).tokens).toEqual(['日', '😀']);
    }
  });

  it.each([
    ['an empty text', ''],
    ['whitespace only', ' \n\t '],
    ['punctuation only', '... — !?'],
    ['only unknown characters', '日本語 😀'],
  ])('rejects %s as an empty transcript', (_label, text) => {
    expect(() => tokenizeTranscript(text, BASE_960H, { robust: true })).toThrow(TranscriptEmptyError);
  });

  it('names the unknown characters when they are all the transcript has', () => {
    expect(() => tokenizeTranscript('日本語', BASE_960H, { robust: true })).toThrow(/"日", "本", "語"/);
  });

  it('rejects a negative star id', () => {
    expect(() => tokenizeTranscript('a', BASE_960H, { robust: true, star: true, starId: -1 })).toThrow(
      /starId/,
    );
  });

  it('survives a megabyte of hostile text, each later copy costing the same lookups, fewer than the first copy', () => {
    // Prepare: lookups are counted on a fresh vocabulary each time, so no fallback is cached beforehand.
    const hostile = 'Hello\u0000 \u202Eدنیا\u202C e\u0301\u0301\u0301 😀\u200D😀 \uD800 -- 42nd \uFFFF ';
    const copies = Math.ceil(1_000_000 / hostile.length);
    const text = hostile.repeat(copies);
    const once = countingVocabulary();
    const twice = countingVocabulary();
    const megabyte = countingVocabulary();

    // Act
    tokenizeTranscript(hostile, once.vocab, { robust: true });
    tokenizeTranscript(hostile.repeat(2), twice.vocab, { robust: true });
    const transcript = tokenizeTranscript(text, megabyte.vocab, { robust: true });

    // Assess: every copy after the first costs what the second did, so the work grows linearly with the text;
    // the first costs more, as the fallbacks of characters without a token are worked out once.
    const perCopy = twice.lookups() - once.lookups();
    expect(perCopy).toBeGreaterThan(0);
    expect(perCopy).toBeLessThan(once.lookups());
    expect(megabyte.lookups()).toBe(once.lookups() + (copies - 1) * perCopy);
    expect(transcript.words.length).toBe(text.match(/\S+/g)!.length);
    expect(transcript.warnings).toHaveLength(1);
    expect(transcript.skippedTokens).toEqual(['د', 'ن', 'ی', 'ا', '😀']);
  });
});
