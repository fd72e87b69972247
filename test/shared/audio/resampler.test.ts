import { Resampler, resample } from '../../../shared/audio/resampler';
import { rms, sine, toneAmplitude } from './wav-fixture';

function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(sine(Math.round(sampleRate * seconds), frequency, sampleRate, [amplitude]));
}

function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

describe('resample', () => {
  it('keeps the frequency and amplitude of a 1 kHz tone from 44.1 kHz to 16 kHz', () => {
    // Prepare
    const input = tone(1000, 44_100, 1);

    // Act
    const output = resample(input, 44_100, 16_000);

    // Assess
    expect(output.length).toBe(16_000);
    expect(toneAmplitude(output, 1000, 16_000)).toBeCloseTo(0.5, 2);
    expect(toneAmplitude(output, 1100, 16_000)).toBeLessThan(0.01);
    expect(rms(output)).toBeCloseTo(rms(input), 3);
  });

  it('removes a 12 kHz tone when going from 48 kHz to 16 kHz instead of aliasing it to 4 kHz', () => {
    const input = tone(12_000, 48_000, 1);

    const output = resample(input, 48_000, 16_000);

    expect(decibels(rms(output) / rms(input))).toBeLessThan(-40);
    expect(toneAmplitude(output, 4000, 16_000)).toBeLessThan(0.5 * 0.01);
  });

  it.each([
    [8000, 1000],
    [22_050, 3000],
    [32_000, 5000],
    [96_000, 2000],
    [44_099, 1000],
    [383_999, 440],
  ])('keeps a tone in the pass band from %i Hz (%i Hz tone)', (inputRate, frequency) => {
    const input = tone(frequency, inputRate, 0.5);

    const output = resample(input, inputRate, 16_000);

    expect(output.length).toBe(Math.ceil((input.length * 16_000) / inputRate));
    expect(toneAmplitude(output, frequency, 16_000)).toBeCloseTo(0.5, 2);
  });

  it('keeps a constant signal exactly constant away from the edges', () => {
    const input = new Float32Array(44_100).fill(0.25);

    const output = resample(input, 44_100, 16_000);

    const deviation = Math.max(...output.subarray(100, -100).map((value) => Math.abs(value - 0.25)));
    expect(deviation).toBeLessThan(1e-6);
  });

  it('gives the same samples block by block as in one call', () => {
    const input = tone(700, 44_100, 2);
    const whole = resample(input, 44_100, 16_000);
    const resampler = new Resampler(44_100, 16_000);
    const pieces: number[] = [];

    for (let at = 0; at < input.length; at += 1237)
      pieces.push(...resampler.push(input.subarray(at, at + 1237)));
    pieces.push(...resampler.flush());

    expect(pieces.length).toBe(whole.length);
    expect(Float32Array.from(pieces)).toEqual(whole);
  });

  it('passes samples through untouched when the rates are equal', () => {
    const input = Float32Array.from([0.1, -0.2, 0.3]);

    const output = resample(input, 16_000, 16_000);

    expect(output).toEqual(input);
  });
});
