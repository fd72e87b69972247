import type { Emissions } from '../../../shared/align/emissions';
import { buildTrellis, feasibleWindows } from '../../../shared/align/trellis-model';
import { FrameScorer, futureBound } from '../../../shared/align/trellis-scores';
import { type BandedInput, type BandedWorkspace, bandedViterbi } from '../../../shared/align/viterbi-banded';
import { exactViterbi } from '../../../shared/align/viterbi-exact';
import { syntheticSpeech } from '../../../tools/bench/synthetic-emissions';

function setUp(emissions: Emissions, targets: Int32Array, traceBytes = 1 << 20) {
  const trellis = buildTrellis(targets, 0);
  const windows = feasibleWindows(trellis, emissions.frames);
  const scorer = new FrameScorer(emissions, trellis.tokens, { blank: 0 });
  const input: BandedInput = {
    trellis,
    windows,
    scorer,
    frames: emissions.frames,
    bound: futureBound(scorer, trellis.tokens, emissions.frames),
  };
  const workspace = (bytes: number): BandedWorkspace => ({
    trace: new Uint8Array(bytes),
    rowOffsets: new Int32Array(emissions.frames),
    bandLo: new Int32Array(emissions.frames),
    bandHi: new Int32Array(emissions.frames),
  });
  const exact = exactViterbi({ trellis, windows, scorer, frames: emissions.frames, budgetBytes: 1 << 26 });
  return { input, workspace: workspace(traceBytes), makeWorkspace: workspace, exact };
}

const samePath = (a: Int32Array | undefined, b: Int32Array) => a?.every((s, t) => s === b[t]) === true;

describe('bandedViterbi', () => {
  it('never certifies a band path that is not the exact one', () => {
    // Prepare: noisy speech and beams narrow enough to lose the best path now and then.
    let wrong = 0;
    let certified = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { emissions, targets } = syntheticSpeech({
        frames: 150,
        seed,
        noiseRate: 0.3,
        confusionRate: 0.2,
      });
      const { input, workspace, exact } = setUp(emissions, targets);
      for (const beam of [0, 0.5, 2, 8, 30]) {
        // Act
        const band = bandedViterbi(input, workspace, { kind: 'beam', beam });

        // Assess
        const exactMatch = band.score === exact.score && samePath(band.states, exact.states);
        if (!exactMatch) wrong++;
        if (band.certified) {
          certified++;
          expect(exactMatch).toBe(true);
        }
      }
    }
    expect(wrong).toBeGreaterThan(0);
    expect(certified).toBeGreaterThan(0);
  });

  it('keeps every optimal path when it prunes against a known path score (branch and bound)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      // Prepare: a lower bound from a narrow (possibly wrong) beam pass.
      const { emissions, targets } = syntheticSpeech({ frames: 400, seed, noiseRate: 0.1 });
      const { input, workspace, exact } = setUp(emissions, targets);
      const first = bandedViterbi(input, workspace, { kind: 'beam', beam: 1 });

      // Act
      const bound = bandedViterbi(input, workspace, { kind: 'bound', lowerBound: first.score });

      // Assess
      expect(bound.certified).toBe(true);
      expect(bound.score).toBe(exact.score);
      expect(samePath(bound.states, exact.states)).toBe(true);
    }
  });

  it('recomputes checkpointed segments bit for bit when the backpointers outgrow their buffer', () => {
    // Prepare
    const { emissions, targets } = syntheticSpeech({ frames: 2000, seed: 3 });
    const { input, workspace, makeWorkspace, exact } = setUp(emissions, targets);
    const roomy = bandedViterbi(input, workspace, { kind: 'beam', beam: 20 });

    // Act: room for the backpointers of only the first few hundred frames.
    const tight = bandedViterbi(input, makeWorkspace(2000), { kind: 'beam', beam: 20 });

    // Assess
    expect(roomy.certified).toBe(tight.certified);
    expect(tight.score).toBe(roomy.score);
    expect(samePath(tight.states, roomy.states!)).toBe(true);
    expect(tight.cells).toBeGreaterThan(roomy.cells);
    expect(tight.score).toBe(exact.score);
  });

  it('gives up (too wide) when even its checkpoints would not fit the budget', () => {
    const { emissions, targets } = syntheticSpeech({ frames: 500, seed: 4 });
    const { input, makeWorkspace } = setUp(emissions, targets);

    const result = bandedViterbi(input, makeWorkspace(16), { kind: 'beam', beam: 20 });

    expect(result.tooWide).toBe(true);
    expect(result.states).toBeUndefined();
  });
});
