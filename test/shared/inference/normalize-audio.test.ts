import { normalizeAudio } from '../../../shared/inference/normalize-audio';

describe('normalizeAudio', () => {
  it('returns a zero-mean, unit-variance copy and leaves the input alone', () => {
    // Prepare
    const input = Float32Array.from({ length: 1000 }, (_, i) => 0.3 + 0.1 * Math.sin(i / 7));

    // Act
    const out = normalizeAudio(input);

    // Assess
    const mean = out.reduce((a, b) => a + b, 0) / out.length;
    const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / out.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 4);
    expect(input[0]).toBeCloseTo(0.3, 6);
  });

  it('maps digital silence to zeros instead of dividing by zero', () => {
    expect(Array.from(normalizeAudio(new Float32Array(8)))).toEqual(new Array(8).fill(0));
  });
});
