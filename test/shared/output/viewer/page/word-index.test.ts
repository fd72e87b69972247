import { firstIndex, steppedWord, WordIndex } from '../../../../../shared/output/viewer/page/word-index';

const span = (start: number, end: number): { start: number; end: number } => ({ start, end });

describe('firstIndex', () => {
  it('finds where a predicate starts to hold, or the length when it never does', () => {
    // Prepare
    const values = [1, 3, 3, 7];

    // Act
    const found = [0, 3, 6, 9].map((limit) => firstIndex(values, (value) => value >= limit));

    // Assess
    expect(found).toEqual([0, 1, 3, 4]);
  });
});

describe('WordIndex', () => {
  // Word 1 is interpolated and overlaps word 2 entirely: ends are not in order.
  const index = new WordIndex([span(0, 1), span(2, 6), span(3, 4), span(7, 8)]);

  it('finds the words overlapping a time range, not those ending at its start or starting at its end', () => {
    // Prepare
    const sequence = new WordIndex([span(0, 1), span(1, 2), span(2, 3)]);

    // Act
    const ranges = [sequence.inView(1, 2), sequence.inView(0.5, 2.5), sequence.inView(3, 4)];

    // Assess
    expect(ranges).toEqual([
      [1, 2],
      [0, 3],
      [3, 3],
    ]);
  });

  it('takes in a word that reaches into the range from before it, and the words it overlaps', () => {
    // Act
    const ranges = [index.inView(4.5, 5), index.inView(1, 2)];

    // Assess: word 1 (2 to 6 s) is in view from 4.5 s; word 2, inside it, is carried along.
    expect(ranges).toEqual([
      [1, 3],
      [1, 1],
    ]);
  });

  it('finds the word spoken at a time, or -1 between words', () => {
    // Act
    const found = [0, 0.99, 1, 2.5, 3.5, 6.5, 7].map((time) => index.at(time));

    // Assess: where words overlap, the one that started last is the one spoken.
    expect(found).toEqual([0, 0, -1, 1, 2, -1, 3]);
  });

  it('finds the first word starting after a time', () => {
    // Act
    const found = [-1, 0, 2.5, 8].map((time) => index.firstStartingAfter(time));

    // Assess
    expect(found).toEqual([0, 1, 2, 4]);
  });

  it('finds nothing in an empty result', () => {
    // Prepare
    const empty = new WordIndex([]);

    // Act
    const found = [empty.inView(0, 10), empty.at(1), empty.firstStartingAfter(1)];

    // Assess
    expect(found).toEqual([[0, 0], -1, 0]);
  });
});

describe('steppedWord', () => {
  it('steps from the highlighted word, held at the first and last word', () => {
    // Act
    const steps = [
      steppedWord(1, 2, 0, 5),
      steppedWord(-1, 2, 0, 5),
      steppedWord(1, 4, 0, 5),
      steppedWord(-1, 0, 3, 5),
    ];

    // Assess
    expect(steps).toEqual([3, 1, 4, 0]);
  });

  it('with no word highlighted, plays the word after the playhead next, and the one before it back', () => {
    // Act
    const steps = [steppedWord(1, -1, 3, 5), steppedWord(-1, -1, 3, 5), steppedWord(1, -1, 5, 5)];

    // Assess
    expect(steps).toEqual([3, 2, 4]);
  });
});
