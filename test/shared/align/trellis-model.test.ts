import { buildTrellis, feasibleWindows } from '../../../shared/align/trellis-model';
import { mulberry32 } from '../../../tools/bench/synthetic-emissions';

/** States reachable at each frame from the start, and states from which the end is reachable, by search. */
/** ([NaN, NaN] where that set has a gap, which would break the contiguous-window assumption.) */
function feasibleBySearch(targets: number[], frames: number): Array<[number, number]> {
  const states = 2 * targets.length + 1;
  const successors = (s: number): number[] => {
    const next = [s, s + 1];
    if (s % 2 === 1 && s + 2 < states && targets[(s + 1) / 2] !== targets[(s - 1) / 2]) next.push(s + 2);
    return next.filter((x) => x < states);
  };
  const forward: Set<number>[] = [new Set([0, 1])];
  for (let t = 1; t < frames; t++) forward.push(new Set([...forward[t - 1]!].flatMap(successors)));
  const backward: Set<number>[] = [];
  backward[frames - 1] = new Set([states - 2, states - 1]);
  for (let t = frames - 2; t >= 0; t--) {
    backward[t] = new Set(
      Array.from({ length: states }, (_, s) => s).filter((s) =>
        successors(s).some((n) => backward[t + 1]!.has(n)),
      ),
    );
  }
  return forward.map((reach, t) => {
    const both = [...reach].filter((s) => backward[t]!.has(s));
    const [lo, hi] = [Math.min(...both), Math.max(...both)];
    return both.length === hi - lo + 1 ? [lo, hi] : [Number.NaN, Number.NaN];
  });
}

describe('buildTrellis', () => {
  it('interleaves blanks and targets and forbids skipping between equal targets', () => {
    const trellis = buildTrellis(Int32Array.from([5, 5, 7]), 0);

    expect(trellis.states).toBe(7);
    expect(Array.from(trellis.labelToken)).toEqual([5, 5, 7, 0, 0]);
    expect(Array.from(trellis.labelSkip)).toEqual([-Infinity, -Infinity, 0, -Infinity, -Infinity]);
    expect(Array.from(trellis.tokens).sort()).toEqual([0, 5, 7]);
    expect(trellis.minFrames).toBe(4);
  });
});

describe('feasibleWindows', () => {
  it('is exactly the range of states that lie on some complete path, frame by frame', () => {
    const random = mulberry32(42);
    for (let trial = 0; trial < 200; trial++) {
      // Prepare: random short targets over a 3-letter alphabet (many repeats) and enough frames.
      const targets = Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => 1 + Math.floor(random() * 3),
      );
      const trellis = buildTrellis(Int32Array.from(targets), 0);
      const frames = trellis.minFrames + Math.floor(random() * 6);

      // Act
      const { lo, hi } = feasibleWindows(trellis, frames);

      // Assess
      const windows = Array.from(lo, (l, t) => [l, hi[t]]);
      expect([targets, windows]).toEqual([targets, feasibleBySearch(targets, frames)]);
    }
  });
});
