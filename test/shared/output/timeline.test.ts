import { InvalidInputError } from '../../../shared/errors';
import { toTimedChars, toTimedWords } from '../../../shared/output/timeline';
import { char, word } from './support/result-fixture';

describe('toTimedWords', () => {
  it('converts seconds to whole milliseconds and keeps text, score and alignment', () => {
    const words = [
      word('Hello,', 0.12, 0.48, { score: 0.93 }),
      word('x', 0.5, 0.5, { aligned: false, score: 0 }),
    ];

    const timed = toTimedWords(words);

    expect(timed).toEqual([
      { text: 'Hello,', startMs: 120, endMs: 480, score: 0.93, aligned: true },
      { text: 'x', startMs: 500, endMs: 500, score: 0, aligned: false },
    ]);
  });

  it('accepts overlapping neighbours, which a timing correction produces', () => {
    const words = [word('a', 0.1, 0.55), word('b', 0.45, 0.9)];

    expect(toTimedWords(words)).toHaveLength(2);
  });

  it.each([
    ['a negative start', word('a', -0.1, 0.2)],
    ['an end before the start', word('a', 0.5, 0.4)],
    ['a NaN time', word('a', Number.NaN, 0.4)],
    ['an infinite end', word('a', 0, Number.POSITIVE_INFINITY)],
    ['a NaN score', word('a', 0, 0.4, { score: Number.NaN })],
  ])('rejects %s with an InvalidInputError', (_label, bad) => {
    expect(() => toTimedWords([word('ok', 0, 0.1), bad])).toThrow(InvalidInputError);
  });

  it('rejects words out of time order and names the index, not the text', () => {
    const words = [word('secret', 1, 1.2), word('private', 0.5, 0.7)];

    expect(() => toTimedWords(words)).toThrow(/word 1 starts at 0\.5 s, before the previous word/);
    expect(() => toTimedWords(words)).not.toThrow(/secret|private/);
  });
});

describe('toTimedChars', () => {
  it('converts characters and applies the same checks', () => {
    expect(toTimedChars([char('H', 0.12, 0.16)])).toEqual([{ text: 'H', startMs: 120, endMs: 160 }]);
    expect(() => toTimedChars([char('H', 0.2, 0.1)])).toThrow(/char 0 has start 0\.2 s and end 0\.1 s/);
  });
});
