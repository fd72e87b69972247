import { foldStars, unfoldStates } from '../../../shared/align/trellis-stars';

const STAR = 9;

describe('foldStars', () => {
  it('drops the stars and marks the blank slots they sat in', () => {
    // Prepare: <star> A B <star> <star> C <star>
    const targets = Int32Array.from([STAR, 1, 2, STAR, STAR, 3, STAR]);

    // Act
    const folded = foldStars(targets, STAR);

    // Assess: slots 0 (before A), 2 (between B and C) and 3 (final blank) are wild.
    expect(Array.from(folded.targets)).toEqual([1, 2, 3]);
    expect(Array.from(folded.origin)).toEqual([1, 2, 5]);
    expect(Array.from(folded.wild.slots)).toEqual([0, 2, 3]);
    expect(Array.from(folded.slotStar)).toEqual([0, -1, 3, 6]);
    expect(folded.wild.token).toBe(STAR + 1);
  });
});

describe('unfoldStates', () => {
  it('numbers targets as given and gives a wild slot star frames from the first to the last star win', () => {
    // Prepare: A <star> B; folded states A(1) slot1(2) B(3); original A=1, blank 2, star 3, blank 4, B=5.
    const folded = foldStars(Int32Array.from([1, STAR, 2]), STAR);
    const states = Int32Array.from([1, 2, 2, 2, 2, 2, 3]);
    const wins = new Set([2, 4]);

    // Act
    const unfolded = unfoldStates(states, folded, (t) => wins.has(t));

    // Assess
    expect(Array.from(unfolded)).toEqual([1, 2, 3, 3, 3, 4, 5]);
  });

  it('skips a star that won no frame', () => {
    const folded = foldStars(Int32Array.from([STAR, 1, STAR]), STAR);

    const unfolded = unfoldStates(Int32Array.from([0, 1, 2]), folded, () => false);

    expect(Array.from(unfolded)).toEqual([0, 3, 4]);
  });
});
