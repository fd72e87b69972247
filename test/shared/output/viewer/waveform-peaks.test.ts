import { InvalidInputError } from '../../../../shared/errors';
import { computeWaveformPeaks, peakBinsPerSec } from '../../../../shared/output/viewer/waveform-peaks';

describe('computeWaveformPeaks', () => {
  it('keeps the lowest and highest sample of each bin, scaled to int8', () => {
    // Prepare: 1 s at 800 Hz, so 400 bins/s puts two samples in each bin.
    const samples = new Float32Array(800);
    samples[0] = -0.5;
    samples[1] = 0.25;
    samples[2] = 1.5;

    // Act
    const peaks = computeWaveformPeaks(samples, 800);

    // Assess
    expect(peaks.binsPerSec).toBe(400);
    expect(peaks.minMax.length).toBe(800);
    expect(Array.from(peaks.minMax.slice(0, 6))).toEqual([-64, 32, 0, 127, 0, 0]);
  });

  it('uses coarser bins for long audio so one hour stays under 300k bins', () => {
    const samples = new Float32Array(3600 * 100);

    const peaks = computeWaveformPeaks(samples, 100);

    expect(peaks.minMax.length / 2).toBeLessThanOrEqual(300_000);
    expect(peakBinsPerSec(3600)).toBeCloseTo(83.33, 2);
  });

  it('refuses a sample rate that is not positive', () => {
    expect(() => computeWaveformPeaks(new Float32Array(4), 0)).toThrow(InvalidInputError);
  });
});
