import { buildTrellis, feasibleWindows } from '../../../shared/align/trellis-model';
import { FrameScorer } from '../../../shared/align/trellis-scores';
import { exactViterbi } from '../../../shared/align/viterbi-exact';
import { syntheticSpeech } from '../../../tools/bench/synthetic-emissions';

describe('exactViterbi', () => {
  it('finds the same path with checkpoints as with all backpointers, at any memory budget', () => {
    // Prepare
    const { emissions, targets } = syntheticSpeech({ frames: 600, seed: 9, noiseRate: 0.1 });
    const trellis = buildTrellis(targets, 0);
    const windows = feasibleWindows(trellis, emissions.frames);
    const scorer = new FrameScorer(emissions, trellis.tokens, { blank: 0 });
    const run = (budgetBytes: number) =>
      exactViterbi({ trellis, windows, scorer, frames: emissions.frames, budgetBytes });
    const full = run(1 << 26);

    // Act: from one checkpoint level to many (the smallest budget holds one row of backpointers).
    const results = [1 << 15, 1 << 12, 1 << 9, 1].map(run);

    // Assess
    expect(full.checkpointed).toBe(false);
    let previousCells = full.cells;
    for (const result of results) {
      expect(result.checkpointed).toBe(true);
      expect(result.score).toBe(full.score);
      expect(Array.from(result.states)).toEqual(Array.from(full.states));
      // Less memory means more recomputation.
      expect(result.cells).toBeGreaterThan(previousCells);
      previousCells = result.cells;
    }
  });
});
