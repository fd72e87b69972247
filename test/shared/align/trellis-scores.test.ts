import { FrameScorer, starToken } from '../../../shared/align/trellis-scores';

describe('FrameScorer', () => {
  // Two frames over a blank and two letters.
  const emissions = { data: Float32Array.of(-0.1, -2, -3, -4, -0.5, -1), frames: 2, vocab: 3 };
  const star = starToken(emissions.vocab);

  it('scores <star> as the best non-blank emission plus the penalty', () => {
    // Act
    const scores = new FrameScorer(emissions, Int32Array.of(0, 1, star), { blank: 0, starPenalty: -1 }).fill(
      1,
    );

    // Assess
    expect(scores[star]).toBeCloseTo(-0.5 - 1, 6);
  });

  it('refuses a trellis with <star> when the score spec has no star penalty', () => {
    // Act
    const scorer = () => new FrameScorer(emissions, Int32Array.of(0, 1, star), { blank: 0 });

    // Assess
    expect(scorer).toThrow(expect.objectContaining({ code: 'INTERNAL', name: 'InternalError' }));
  });
});
