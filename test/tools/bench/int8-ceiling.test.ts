import { cpuInt8Support } from '../../../shared/inference/cpu-int8-support';
import {
  forwardWork,
  int8Bound,
  int8CeilingFor,
  sumWork,
  WAV2VEC2_BASE,
} from '../../../tools/bench/int8-ceiling';

describe('forwardWork', () => {
  it('counts the multiply-adds of wav2vec2-base on 10 s layer by layer', () => {
    // Prepare: conv output lengths 31999, 15999, 7999, 3999, 1999, 999, 499 for 160,000 samples.
    const waveformConv = 512 * 10 * 31_999;
    const featureConvs = 512 * 512 * 3 * (15_999 + 7_999 + 3_999 + 1_999) + 512 * 512 * 2 * (999 + 499);
    const perLayer = (4 * 768 * 768 + 2 * 768 * 3072) * 499 + 2 * 499 * 499 * 768;
    const rest = 512 * 768 * 499 + 768 * 48 * 128 * 499 + 12 * perLayer + 768 * 32 * 499;

    // Act
    const work = forwardWork(WAV2VEC2_BASE, 160_000);

    // Assess
    expect(work).toEqual({ waveformConv, featureConvs, rest });
    expect((waveformConv + featureConvs) / (waveformConv + featureConvs + rest)).toBeCloseTo(0.33, 2);
  });

  it('grows faster than the audio once attention matters, while the front-end stays linear', () => {
    // Act
    const short = forwardWork(WAV2VEC2_BASE, 10 * 16_000);
    const long = forwardWork(WAV2VEC2_BASE, 60 * 16_000);

    // Assess
    expect(long.featureConvs / short.featureConvs).toBeCloseTo(6, 2);
    expect(long.rest / short.rest).toBeGreaterThan(6.5);
  });

  it('counts nothing for input shorter than the first kernel', () => {
    // Act
    const work = forwardWork(WAV2VEC2_BASE, 9);

    // Assess
    expect(work).toEqual({ waveformConv: 0, featureConvs: 0, rest: 0 });
  });
});

describe('int8Bound', () => {
  it('keeps the waveform convolution at the fp32 rate and speeds up the rest', () => {
    // Prepare: 4 multiply-adds in 4 s is 1 per second; 1 stays at that rate, 3 run twice as fast.
    const work = { waveformConv: 1, featureConvs: 1, rest: 2 };

    // Act
    const bound = int8Bound(work, 4, 2);

    // Assess
    expect(bound).toEqual({ fp32MacsPerSecond: 1, minSeconds: 2.5, maxSpeedUp: 1.6 });
  });

  it('rejects a ceiling below 1 and a time that is not positive', () => {
    // Prepare
    const work = { waveformConv: 1, featureConvs: 1, rest: 2 };

    // Act / Assess
    expect(() => int8Bound(work, 4, 0.5)).toThrow(
      'expected fp32Seconds > 0 and int8Ceiling >= 1, got 4 and 0.5',
    );
    expect(() => int8Bound(work, 0, 2)).toThrow(RangeError);
  });
});

describe('int8CeilingFor', () => {
  it('allows 4x with a fused int8 dot product and 2x without', () => {
    // Prepare
    const cpu = (flags: string) => cpuInt8Support(`model name\t: Test\nflags\t\t: ${flags}\n`);

    // Act / Assess
    expect(int8CeilingFor(cpu('avx2 avx512f avx512bw avx512_vnni'))).toBe(4);
    expect(int8CeilingFor(cpu('avx2 fma'))).toBe(2);
  });
});

describe('sumWork', () => {
  it('adds the work of the windows of one file part by part', () => {
    // Act
    const total = sumWork([
      { waveformConv: 1, featureConvs: 2, rest: 3 },
      { waveformConv: 10, featureConvs: 20, rest: 30 },
    ]);

    // Assess
    expect(total).toEqual({ waveformConv: 11, featureConvs: 22, rest: 33 });
  });
});
