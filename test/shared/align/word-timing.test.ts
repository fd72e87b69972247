import type { AlignmentPath } from '../../../shared/align/alignment-path';
import type { Emissions } from '../../../shared/align/emissions';
import { wordTimings } from '../../../shared/align/word-timing';
import { InvalidInputError } from '../../../shared/errors';
import { type TokenizedTranscript, tokenizeTranscript } from '../../../shared/text/tokenizer';
import { createVocabulary, type Vocabulary } from '../../../shared/text/vocabulary';

const TOY = createVocabulary({ '<pad>': 0, '|': 1, A: 2, B: 3, C: 4 }, { pad_token_id: 0 });
const BLANK = 0;

/** A path from runs of [state, frames]; target j's label state is 2j+1. */
function pathOf(runs: [state: number, frames: number][]): AlignmentPath {
  return {
    states: Int32Array.from(runs.flatMap(([state, frames]) => Array<number>(frames).fill(state))),
    score: 0,
  };
}

/** Log-probs where each frame gives its path token the posterior listed for it (1 when not listed). */
function emissionsOf(
  path: AlignmentPath,
  transcript: TokenizedTranscript,
  vocab: Vocabulary,
  posteriors: number[],
): Emissions {
  const frames = path.states.length;
  const size = vocab.size + 1;
  const data = new Float32Array(frames * size).fill(Math.log(1e-6));
  path.states.forEach((state, t) => {
    const token = state % 2 === 1 ? transcript.targets[(state - 1) / 2]! : BLANK;
    data[t * size + token] = Math.log(posteriors[t] ?? 1);
  });
  return { data, frames, vocab: size };
}

describe('wordTimings', () => {
  it('times each character from its frames and scores it by its mean posterior', () => {
    // Prepare: targets A B | C, so A=1, B=3, |=5, C=7.
    const transcript = tokenizeTranscript('AB, c', TOY, { robust: true });
    const path = pathOf([
      [0, 2],
      [1, 3],
      [3, 2],
      [4, 1],
      [5, 1],
      [7, 4],
      [8, 2],
    ]);
    const posteriors = [1, 1, 0.9, 0.8, 0.7, 0.5, 0.5, 1, 1, 1, 0.6, 0.6, 0.6, 1, 1];
    const logProbs = emissionsOf(path, transcript, TOY, posteriors);

    // Act
    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02 });

    // Assess
    expect(timings.chars).toEqual([
      { char: 'A', start: 0.04, end: 0.1, score: 0.8 },
      { char: 'B', start: 0.1, end: 0.14, score: 0.5 },
      { char: 'C', start: 0.18, end: 0.26, score: 0.7 },
    ]);
    expect(timings.words).toEqual([
      { word: 'AB,', normalized: 'AB', start: 0.04, end: 0.14, score: 0.68, aligned: true },
      { word: 'c', normalized: 'C', start: 0.18, end: 0.26, score: 0.7, aligned: true },
    ]);
    expect(timings.meanWordScore).toBe(0.69);
    expect(timings.lowScoreWords).toBe(0);
  });

  it('counts aligned words scoring under the threshold', () => {
    const transcript = tokenizeTranscript('A B', TOY, { robust: true });
    const path = pathOf([
      [1, 2],
      [3, 1],
      [5, 2],
    ]);
    const logProbs = emissionsOf(path, transcript, TOY, [0.4, 0.4, 1, 0.9, 0.6]);

    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02, lowScoreThreshold: 0.8 });

    expect(timings.words.map((word) => word.score)).toEqual([0.4, 0.75]);
    expect(timings.lowScoreWords).toBe(2);
  });

  it('rounds times to milliseconds without float noise', () => {
    const transcript = tokenizeTranscript('A', TOY, { robust: true });
    const path = pathOf([
      [0, 3],
      [1, 4],
    ]);

    const timings = wordTimings(path, transcript, emissionsOf(path, transcript, TOY, []), { frameSec: 0.1 });

    expect(timings.words[0]).toMatchObject({ start: 0.3, end: 0.7 });
  });

  it('keeps unaligned words in place with times interpolated from their neighbours', () => {
    // Prepare: "…", "—", "..." and "?!" have no token; targets are A | B | C.
    const transcript = tokenizeTranscript('… A — ... B C ?!', TOY, { robust: true });
    const path = pathOf([
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 3],
      [5, 5],
      [7, 2],
      [9, 5],
      [10, 10],
    ]);
    const logProbs = emissionsOf(path, transcript, TOY, []);

    // Act
    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02, durationSec: 1 });

    // Assess
    expect(timings.words.map(({ word, start, end, aligned }) => [word, start, end, aligned])).toEqual([
      ['…', 0, 0.1, false],
      ['A', 0.1, 0.2, true],
      ['—', 0.2, 0.28, false],
      ['...', 0.28, 0.36, false],
      ['B', 0.36, 0.46, true],
      ['C', 0.5, 0.6, true],
      ['?!', 0.6, 1, false],
    ]);
    expect(timings.words.filter((word) => !word.aligned).every((word) => word.score === 0)).toBe(true);
    expect(timings.meanWordScore).toBe(1);
  });

  it('spreads words over the whole audio when none is aligned', () => {
    // Prepare: a path that never reaches a label state leaves every word without frames.
    const transcript = tokenizeTranscript('A B', TOY, { robust: true });
    const path = pathOf([[0, 4]]);

    const timings = wordTimings(path, transcript, emissionsOf(path, transcript, TOY, []), { frameSec: 0.25 });

    expect(timings.words.map(({ start, end, aligned }) => [start, end, aligned])).toEqual([
      [0, 0.5, false],
      [0.5, 1, false],
    ]);
    expect(timings.chars).toEqual([]);
    expect(timings.meanWordScore).toBe(0);
  });

  it('applies the timing correction and clamps into the audio, neighbours meeting halfway', () => {
    // Prepare: targets A | B | C; A on frames 0-1, B on 3-4, C on 7-8.
    const transcript = tokenizeTranscript('A B C', TOY, { robust: true });
    const path = pathOf([
      [1, 2],
      [3, 1],
      [5, 2],
      [6, 1],
      [7, 1],
      [9, 2],
    ]);
    const logProbs = emissionsOf(path, transcript, TOY, []);

    // Act
    const timings = wordTimings(path, transcript, logProbs, {
      frameSec: 0.1,
      startOffsetSec: -0.05,
      endOffsetSec: 0.15,
      durationSec: 0.7,
    });

    // Assess: raw A 0-0.2, B 0.3-0.5, C 0.7-0.9 become A -0.05-0.35, B 0.25-0.65, C 0.65-1.05; clamped
    // into [0, 0.7], A and B overlap by 0.1 and meet at 0.3.
    expect(timings.words.map(({ start, end }) => [start, end])).toEqual([
      [0, 0.3],
      [0.3, 0.65],
      [0.65, 0.7],
    ]);
    expect(timings.chars.map(({ start, end }) => [start, end])).toEqual([
      [0, 0.3],
      [0.3, 0.65],
      [0.65, 0.7],
    ]);
  });

  it('keeps every char inside its word after correction', () => {
    const transcript = tokenizeTranscript('ABC', TOY, { robust: true });
    const path = pathOf([
      [1, 1],
      [3, 1],
      [5, 1],
    ]);

    const timings = wordTimings(path, transcript, emissionsOf(path, transcript, TOY, []), {
      frameSec: 0.1,
      startOffsetSec: 0.5,
      endOffsetSec: -0.5,
    });

    expect(timings.words[0]).toMatchObject({ start: 0.3, end: 0.3 });
    expect(timings.chars.every((char) => char.start === 0.3 && char.end === 0.3)).toBe(true);
  });

  it('leaves delimiters and stars out of the chars', () => {
    // Prepare: targets <star> A | <star> B | C <star>, the "-" splitting B-C into two sub-words.
    const transcript = tokenizeTranscript('A B-C', TOY, { robust: true, star: true });
    const path = pathOf(transcript.targetText.map((_text, j) => [2 * j + 1, 2]));
    const logProbs = emissionsOf(path, transcript, TOY, []);

    // Act
    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02 });

    // Assess
    expect(transcript.targetText.join(' ')).toBe('<star> A | <star> B | C <star>');
    expect(timings.chars.map((char) => char.char)).toEqual(['A', 'B', 'C']);
    expect(timings.words[1]).toMatchObject({ word: 'B-C', normalized: 'B C', start: 0.16, end: 0.28 });
  });

  it('scores from posteriors clamped into [0, 1]', () => {
    const transcript = tokenizeTranscript('A', TOY, { robust: true });
    const path = pathOf([[1, 2]]);
    const logProbs = emissionsOf(path, transcript, TOY, []);
    const tokenA = TOY.charToId.get('A')!;
    logProbs.data[tokenA] = Number.NaN;
    logProbs.data[logProbs.vocab + tokenA] = 3;

    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02 });

    expect(timings.chars[0]?.score).toBe(0.5);
  });

  it('round-trips a tokenized transcript with numbers and money', () => {
    // Prepare: two frames per target, one after the other.
    const vocab = createVocabulary(
      Object.fromEntries(
        ['<pad>', '<unk>', '|', ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ'"].map((token, id) => [token, id]),
      ),
      { pad_token_id: 0, word_delimiter_token: '|' },
    );
    const transcript = tokenizeTranscript('in 1999 she paid $3.50', vocab, { robust: false });
    const path = pathOf(transcript.targetText.map((_text, j) => [2 * j + 1, 2]));
    const logProbs = emissionsOf(path, transcript, vocab, Array<number>(path.states.length).fill(0.9));

    // Act
    const timings = wordTimings(path, transcript, logProbs, { frameSec: 0.02 });

    // Assess
    expect(timings.words.map((word) => [word.word, word.normalized, word.aligned])).toEqual([
      ['in', 'IN', true],
      ['1999', 'NINETEEN NINETY NINE', true],
      ['she', 'SHE', true],
      ['paid', 'PAID', true],
      ['$3.50', 'THREE DOLLARS FIFTY CENTS', true],
    ]);
    transcript.words.forEach((word, index) => {
      expect(timings.words[index]?.start).toBeCloseTo(word.tokenStart * 2 * 0.02, 9);
      expect(timings.words[index]?.end).toBeCloseTo(word.tokenEnd * 2 * 0.02, 9);
    });
    expect(timings.chars.map((char) => char.char).join('')).toBe(
      'IN' + 'NINETEENNINETYNINE' + 'SHE' + 'PAID' + 'THREEDOLLARSFIFTYCENTS',
    );
    expect(timings.meanWordScore).toBe(0.9);
    expect(timings.lowScoreWords).toBe(0);
  });

  describe('rejects', () => {
    const transcript = tokenizeTranscript('A B', TOY, { robust: true });
    const path = pathOf([
      [1, 1],
      [3, 1],
      [5, 1],
    ]);
    const logProbs = emissionsOf(path, transcript, TOY, []);
    const tinyVocab: Emissions = { data: new Float32Array(6), frames: 3, vocab: 2 };

    it.each([
      ['a path of the wrong length', pathOf([[1, 2]]), logProbs, { frameSec: 0.02 }, '2 states'],
      [
        'a state past the trellis',
        pathOf([
          [1, 1],
          [3, 1],
          [9, 1],
        ]),
        logProbs,
        { frameSec: 0.02 },
        '0..6',
      ],
      [
        'a path going backwards',
        pathOf([
          [3, 1],
          [1, 1],
          [5, 1],
        ]),
        logProbs,
        { frameSec: 0.02 },
        'non-decreasing',
      ],
      ['a zero frame length', path, logProbs, { frameSec: 0 }, 'frameSec'],
      ['a negative duration', path, logProbs, { frameSec: 0.02, durationSec: -1 }, 'durationSec'],
      [
        'a non-finite offset',
        path,
        logProbs,
        { frameSec: 0.02, startOffsetSec: Number.NaN },
        'startOffsetSec',
      ],
      [
        'log-probs of the wrong size',
        path,
        { ...logProbs, data: logProbs.data.subarray(1) },
        { frameSec: 0.02 },
        'frames * vocab',
      ],
      ['a vocabulary too small for the targets', path, tinyVocab, { frameSec: 0.02 }, 'outside'],
    ])('%s', (_label, badPath, badLogProbs, options, message) => {
      // Act
      const act = () => wordTimings(badPath, transcript, badLogProbs, options);

      // Assess
      expect(act).toThrow(InvalidInputError);
      expect(act).toThrow(message);
    });
  });
});
