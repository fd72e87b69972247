/** Reference CTC forced alignment by enumerating every complete path (tiny inputs only). */
export interface BruteForcePath {
  states: number[];
  score: number;
}

/**
 * Enumerates all CTC paths of `targets` over `frames` frames (start in state 0 or 1, end in S-1 or S-2; stay,
 * advance, or skip into a target that differs from the previous one), scores each as the frame-order Float64
 * sum of `score(t, state)`, and keeps the best. Ties go to the path that comes first when paths are compared
 * backwards from the last frame: at the last frame the smaller state (last label before final blank), at any
 * earlier frame — given the same later states — the larger state (stay before advance before skip).
 * Returns undefined when no complete path exists.
 */
export function bruteForceViterbi(
  frames: number,
  targets: readonly number[],
  score: (t: number, state: number) => number,
): BruteForcePath | undefined {
  const states = 2 * targets.length + 1;
  const canSkipInto = (s: number): boolean =>
    s % 2 === 1 && s >= 3 && targets[(s - 1) / 2] !== targets[(s - 3) / 2];
  let best: BruteForcePath | undefined;
  const path: number[] = [];
  const visit = (t: number, s: number, total: number): void => {
    path.push(s);
    const sum = total + score(t, s);
    if (t === frames - 1) {
      if (s >= states - 2) {
        const candidate = { states: [...path], score: sum };
        if (best === undefined || better(candidate, best)) best = candidate;
      }
    } else {
      for (const next of [s, s + 1, s + 2]) {
        if (next >= states || (next === s + 2 && !canSkipInto(next))) continue;
        visit(t + 1, next, sum);
      }
    }
    path.pop();
  };
  visit(0, 0, 0);
  if (states > 1) visit(0, 1, 0);
  return best;
}

function better(a: BruteForcePath, b: BruteForcePath): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const last = a.states.length - 1;
  if (a.states[last] !== b.states[last]) return a.states[last]! < b.states[last]!;
  for (let t = last - 1; t >= 0; t--) {
    if (a.states[t] !== b.states[t]) return a.states[t]! > b.states[t]!;
  }
  return false;
}
