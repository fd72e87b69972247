import {
  isLowScore,
  scoreColor,
  stripColor,
  wordBoxClass,
  wordBoxTitle,
} from '../../../../../shared/output/viewer/page/word-style';
import { word } from '../../support/result-fixture';

describe('isLowScore', () => {
  it('flags aligned words scoring below the threshold, never unaligned ones', () => {
    // Prepare
    const words = [
      word('a', 0, 1, { score: 0.49 }),
      word('b', 0, 1, { score: 0.5 }),
      word('c', 0, 1, { score: 0, aligned: false }),
    ];

    // Act
    const low = words.map((w) => isLowScore(w, 0.5));

    // Assess
    expect(low).toEqual([true, false, false]);
  });
});

describe('scoreColor', () => {
  it('runs the hue from red at score 0 to green at 1, lighter below the threshold', () => {
    // Prepare
    const scores = [-0.2, 0, 0.25, 0.5, 1, 1.3];

    // Act
    const colors = scores.map((score) => scoreColor(word('w', 0, 1, { score }), 0.5));

    // Assess
    expect(colors).toEqual([
      'hsl(0, 62%, 70%)',
      'hsl(0, 62%, 70%)',
      'hsl(30, 62%, 70%)',
      'hsl(60, 62%, 66%)',
      'hsl(120, 62%, 66%)',
      'hsl(120, 62%, 66%)',
    ]);
  });

  it('paints unaligned words grey whatever their score', () => {
    // Act
    const color = scoreColor(word('w', 0, 1, { score: 1, aligned: false }), 0.5);

    // Assess
    expect(color).toBe('#e4e6eb');
  });
});

describe('stripColor', () => {
  it('marks low-score words red in the score strip and the others in their box colour', () => {
    // Act
    const colors = [
      stripColor(word('a', 0, 1, { score: 0.2 }), 0.5),
      stripColor(word('b', 0, 1, { score: 0.75 }), 0.5),
    ];

    // Assess
    expect(colors).toEqual(['#b00020', 'hsl(90, 62%, 66%)']);
  });
});

describe('wordBoxClass', () => {
  it('alternates rows and marks unaligned and low-score words', () => {
    // Act
    const classes = [
      wordBoxClass(word('a', 0, 1), 0, 0.5),
      wordBoxClass(word('b', 0, 1, { aligned: false }), 1, 0.5),
      wordBoxClass(word('c', 0, 1, { score: 0.1 }), 2, 0.5),
    ];

    // Assess
    expect(classes).toEqual(['word row0', 'word row1 unaligned', 'word row0 low']);
  });
});

describe('wordBoxTitle', () => {
  it('gives the word, its times and its score, or says it was not aligned', () => {
    // Act
    const titles = [
      wordBoxTitle(word('<b>hi', 1.5, 2, { score: 0.8766 })),
      wordBoxTitle(word('gap', 2, 2.25, { aligned: false })),
    ];

    // Assess
    expect(titles).toEqual([
      '<b>hi  0:01.500 - 0:02.000  score 0.877',
      'gap  0:02.000 - 0:02.250  not aligned (time interpolated)',
    ]);
  });
});
