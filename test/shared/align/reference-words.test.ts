import {
  boundaryErrors,
  jsonReference,
  matchesTranscript,
  matchReference,
  type ReferenceWord,
  textGridReference,
} from '../../../shared/align/reference-words';
import { InvalidInputError } from '../../../shared/errors';
import type { TextGrid, TextGridTier } from '../../../shared/output/textgrid-reader';

function tier(name: string, intervals: [number, number, string][]): TextGridTier {
  return { name, xmin: 0, xmax: 3, intervals: intervals.map(([xmin, xmax, text]) => ({ xmin, xmax, text })) };
}

function grid(...tiers: TextGridTier[]): TextGrid {
  return { xmin: 0, xmax: 3, tiers };
}

function timed(text: string, start = 0, end = 0): ReferenceWord {
  return { text, start, end, timed: true };
}

describe('textGridReference', () => {
  it('reads the labelled intervals of the "words" tier, whatever its case, beside other tiers', () => {
    // Prepare
    const phones = tier('phones', [
      [0, 1, 'HH'],
      [1, 3, 'AY'],
    ]);
    const words = tier('Words', [
      [0, 0.4, ''],
      [0.4, 1.1, 'hello'],
      [1.1, 1.2, ' '],
      [1.2, 2, 'world'],
      [2, 3, ''],
    ]);

    // Act
    const reference = textGridReference(grid(phones, words));

    // Assess
    expect(reference).toEqual([
      { text: 'hello', start: 0.4, end: 1.1, timed: true },
      { text: 'world', start: 1.2, end: 2, timed: true },
    ]);
  });

  it('reads the only tier whatever its name, and takes a parenthesised label for an untimed guess', () => {
    const only = tier('transcript', [
      [0, 1, 'a'],
      [1, 2, '(guess)'],
      [2, 3, '()'],
    ]);

    const reference = textGridReference(grid(only));

    expect(reference).toEqual([
      { text: 'a', start: 0, end: 1, timed: true },
      { text: 'guess', start: 1, end: 2, timed: false },
      { text: '()', start: 2, end: 3, timed: true },
    ]);
  });

  it('refuses several tiers none of them "words", naming them', () => {
    const two = grid(tier('phones', [[0, 3, 'a']]), tier('syllables', [[0, 3, 'a']]));

    expect(() => textGridReference(two)).toThrow(InvalidInputError);
    expect(() => textGridReference(two)).toThrow(/named "words" \(it has "phones", "syllables"\)/);
  });
});

describe('jsonReference', () => {
  it('reads a truth file and a result document, a word with "aligned": false untimed', () => {
    // Prepare
    const truth = { text: 'a b', words: [{ word: 'a', start: 0.1, end: 0.2 }] };
    const result = {
      mode: 'align',
      words: [
        { word: 'a,', normalized: 'A', start: 0.1, end: 0.2, score: 0.9, aligned: true },
        { word: 'b', normalized: 'B', start: 0.2, end: 0.2, score: 0, aligned: false },
      ],
    };

    // Act
    const fromTruth = jsonReference(truth);
    const fromResult = jsonReference(result);

    // Assess
    expect(fromTruth).toEqual([{ text: 'a', start: 0.1, end: 0.2, timed: true }]);
    expect(fromResult).toEqual([
      { text: 'a,', start: 0.1, end: 0.2, timed: true },
      { text: 'b', start: 0.2, end: 0.2, timed: false },
    ]);
  });

  it('takes JSON without "words" (a descriptor) for no reference', () => {
    expect(jsonReference({ text: 'hello' })).toBeUndefined();
    expect(jsonReference([1, 2])).toBeUndefined();
    expect(jsonReference(null)).toBeUndefined();
  });

  it('refuses words it cannot time, naming the entry', () => {
    expect(() => jsonReference({ words: 'a b' })).toThrow(/"words" is not a list/);
    expect(() => jsonReference({ words: [null] })).toThrow(/words\[0\] has no "word" text/);
    expect(() => jsonReference({ words: [{ word: 'a', start: 0.5, end: 0.4 }] })).toThrow(
      /words\[0\] \("a"\) needs numbers 0 <= "start" <= "end"/,
    );
    expect(() => jsonReference({ words: [{ word: 'a', start: '0', end: 1 }] })).toThrow(InvalidInputError);
  });
});

describe('matchReference', () => {
  it('pairs words by their letters and digits, case, punctuation and typography aside', () => {
    // Prepare
    const words = ['“It’s', 'well-known,', 'since', '1999.'];
    const reference = ["it's", 'WELL-KNOWN', 'since', '1999'].map((text) => timed(text));

    // Act
    const match = matchReference(words, reference);

    // Assess
    expect(match.pairs).toEqual([0, 1, 2, 3].map((i) => ({ word: i, reference: i })));
    expect(matchesTranscript(match)).toBe(true);
  });

  it('leaves out words either side lacks and words without letters or digits', () => {
    // Prepare
    const words = ['the', 'big', '—', 'dog', 'ran'];
    const reference = ['sil', 'the', 'dog', 'quickly', 'ran', 'sp'].map((text) => timed(text));

    // Act
    const match = matchReference(words, reference);

    // Assess
    expect(match.pairs).toEqual([
      { word: 0, reference: 1 },
      { word: 3, reference: 2 },
      { word: 4, reference: 4 },
    ]);
    expect(match.words).toBe(4);
    expect(match.referenceWords).toBe(6);
  });

  it('takes a reference of another text for no match', () => {
    const words = 'the quick brown fox jumps over the lazy dog'.split(' ');
    const reference = 'a stitch in time saves nine the dog'.split(' ').map((text) => timed(text));

    const match = matchReference(words, reference);

    expect(match.pairs).toHaveLength(2);
    expect(matchesTranscript(match)).toBe(false);
  });

  it('matches long identical texts by their shared ends without a table', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => `w${i}`);

    const match = matchReference(
      words,
      words.map((text) => timed(text)),
    );

    expect(match.pairs).toHaveLength(200_000);
    expect(match.pairs[123_456]).toEqual({ word: 123_456, reference: 123_456 });
  });

  it('refuses texts that differ over too many words to match', () => {
    const words = Array.from({ length: 8000 }, (_, i) => `a${i}`);
    const reference = Array.from({ length: 8000 }, (_, i) => timed(`b${i}`));

    expect(() => matchReference(words, reference)).toThrow(/differ over 8000 and 8000 words.*split the file/);
  });
});

describe('boundaryErrors', () => {
  it('gives aligned minus reference times of pairs timed on both sides', () => {
    // Prepare
    const words = [
      { start: 0.1, end: 0.5, aligned: true },
      { start: 0.5, end: 0.5, aligned: false },
      { start: 0.7, end: 1.0, aligned: true },
      { start: 1.0, end: 1.4, aligned: true },
    ];
    const reference = [
      timed('a', 0.12, 0.45),
      timed('b', 0.5, 0.6),
      { text: 'c', start: 0.6, end: 1.0, timed: false },
      timed('d', 1.02, 1.38),
    ];
    const match = matchReference(['a', 'b', 'c', 'd'], reference);

    // Act
    const errors = boundaryErrors(words, reference, match);

    // Assess
    expect(errors.starts.map((e) => Math.round(e * 1000))).toEqual([-20, -20]);
    expect(errors.ends.map((e) => Math.round(e * 1000))).toEqual([50, 20]);
  });
});
