import { InvalidInputError } from '../../errors';

/** Min/max envelope of a signal at a fixed number of bins per second, quantized to int8. */
export interface WaveformPeaks {
  binsPerSec: number;
  /** Interleaved [min, max] per bin, each sample × 127 rounded half away from zero, clamped to ±127. */
  minMax: Int8Array;
}

/** The envelope's finest resolution: 400 bins/s draws a sharp waveform up to ~2.5 px per bin at full zoom. */
const MAX_BINS_PER_SEC = 400;
/**
 * Longer files get coarser bins so the page stays small: 300k bins are 600 kB of int8 (~800 kB base64),
 * about 83 bins/s for one hour, still finer than a pixel column at any zoom that shows a whole word.
 */
const MAX_BINS = 300_000;

/** Bins per second used for a signal of this duration (at most 400, and at most 300k bins in all). */
export function peakBinsPerSec(durationSec: number): number {
  if (durationSec <= 0) return MAX_BINS_PER_SEC;
  return Math.min(MAX_BINS_PER_SEC, MAX_BINS / durationSec);
}

/**
 * Computes the min/max envelope of mono samples; the viewer aggregates these bins per pixel column at
 * whatever zoom it shows, so one hour of audio needs no more than ~600 kB instead of the samples.
 */
export function computeWaveformPeaks(samples: Float32Array, sampleRate: number): WaveformPeaks {
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new InvalidInputError(`sample rate must be a positive number of Hz, got ${sampleRate}`);
  }
  const binsPerSec = peakBinsPerSec(samples.length / sampleRate);
  const samplesPerBin = sampleRate / binsPerSec;
  const bins = Math.ceil(samples.length / samplesPerBin);
  const minMax = new Int8Array(bins * 2);
  for (let bin = 0; bin < bins; bin++) {
    const from = Math.floor(bin * samplesPerBin);
    const to = Math.min(samples.length, Math.max(from + 1, Math.floor((bin + 1) * samplesPerBin)));
    let low = 0;
    let high = 0;
    for (let i = from; i < to; i++) {
      const value = samples[i]!;
      if (value < low) low = value;
      else if (value > high) high = value;
    }
    minMax[bin * 2] = quantize(low);
    minMax[bin * 2 + 1] = quantize(high);
  }
  return { binsPerSec, minMax };
}

// Rounds half away from zero so the envelope is symmetric for symmetric signals.
function quantize(value: number): number {
  return Math.sign(value) * Math.min(127, Math.round(Math.abs(value) * 127));
}
