import {
  amdahlRtf,
  cpuSizing,
  lambdaVcpus,
  MEASURED_BASE,
  minimumMemoryMb,
  modelSizeFromConfig,
} from '../../../cdk/constructs/cpu-sizing';
import { ConfigError } from '../../../shared/errors';

describe('lambdaVcpus', () => {
  it.each([
    [1769, 1],
    [3538, 2],
    [4096, 2],
    [10_240, 6],
    [128, 1],
  ])('gives %i MB %i thread(s): the vCPU-seconds per second Lambda allots, rounded', (memoryMb, threads) => {
    // Act / Assess
    expect(lambdaVcpus(memoryMb)).toBe(threads);
  });
});

describe('cpuSizing', () => {
  it('sizes the threshold so a full batch at it finishes in the timeout on a host twice as slow as measured', () => {
    // Act
    const sizing = cpuSizing({ memoryMb: 10_240, timeoutSec: 900, batchSize: 4 });

    // Assess
    const plannedRtf = 2 * sizing.rtf;
    expect(sizing.threads).toBe(6);
    expect(sizing.largeFileThresholdSec % 60).toBe(0);
    expect(4 * sizing.largeFileThresholdSec * plannedRtf).toBeLessThanOrEqual(0.6 * 900);
    expect(4 * (sizing.largeFileThresholdSec + 60) * plannedRtf).toBeGreaterThan(0.6 * 900);
    expect(sizing.largeFileThresholdBytes).toBe(sizing.largeFileThresholdSec * 192_000);
  });

  it('gives two vCPUs the speed measured on two threads', () => {
    // Act
    const sizing = cpuSizing({ memoryMb: 3538, timeoutSec: 900, batchSize: 4 });

    // Assess
    expect(sizing.rtf).toBeCloseTo(MEASURED_BASE.rtfTwoThreads, 10);
  });

  it('refuses a memory in which a batch of one-minute files does not fit, naming the least that does', () => {
    // Prepare: 1,190 MB plus 4 minutes at 640 MB an hour, in 60% of the memory.
    const least = Math.ceil((1190 + (4 * 640) / 60) / 0.6);

    // Act
    const refuse = (memoryMb: number) => () => cpuSizing({ memoryMb, timeoutSec: 900, batchSize: 4 });

    // Assess
    expect(minimumMemoryMb(4)).toBe(least);
    expect(refuse(1769)).toThrow(ConfigError);
    expect(refuse(1769)).toThrow(`cpuMemoryMb must be at least ${least} `);
    expect(refuse(least - 1)).toThrow(ConfigError);
    expect(refuse(least)().largeFileThresholdSec).toBe(60);
  });

  it('gives fewer threads and a shorter threshold to a smaller function', () => {
    // Act
    const small = cpuSizing({ memoryMb: 3538, timeoutSec: 900, batchSize: 4 });
    const large = cpuSizing({ memoryMb: 10_240, timeoutSec: 900, batchSize: 4 });

    // Assess
    expect(small.threads).toBe(2);
    expect(small.largeFileThresholdSec).toBeLessThan(large.largeFileThresholdSec);
    expect(
      MEASURED_BASE.baseMemoryMb +
        (4 * small.largeFileThresholdSec * MEASURED_BASE.memoryMbPerAudioHour) / 3600,
    ).toBeLessThanOrEqual(3538);
  });

  it('scales time by the transformer against wav2vec2-base and never below it', () => {
    // Act
    const base = cpuSizing({ memoryMb: 10_240, timeoutSec: 900, batchSize: 4 });
    const large = cpuSizing({
      memoryMb: 10_240,
      timeoutSec: 900,
      batchSize: 4,
      model: { layers: 24, hidden: 1024, feedForward: 4096 },
    });
    const tiny = cpuSizing({
      memoryMb: 10_240,
      timeoutSec: 900,
      batchSize: 4,
      model: { layers: 2, hidden: 256, feedForward: 1024 },
    });

    // Assess
    expect(large.rtf / base.rtf).toBeCloseTo(
      (24 * 1024 * (4 * 1024 + 2 * 4096)) / (12 * 768 * (4 * 768 + 2 * 3072)),
      6,
    );
    expect(tiny.rtf).toBe(base.rtf);
  });
});

describe('amdahlRtf', () => {
  it('passes through both measured points and never promises more than the parallel part', () => {
    // Prepare
    const measured = { rtfOneThread: 0.1, rtfTwoThreads: 0.06, baseMemoryMb: 0, memoryMbPerAudioHour: 0 };

    // Act / Assess
    expect(amdahlRtf(measured, 1)).toBeCloseTo(0.1, 10);
    expect(amdahlRtf(measured, 2)).toBeCloseTo(0.06, 10);
    expect(amdahlRtf(measured, 6)).toBeCloseTo(0.02 + 0.08 / 6, 10);
    expect(amdahlRtf(measured, 1000)).toBeGreaterThan(0.02);
  });
});

describe('modelSizeFromConfig', () => {
  it("reads a Hugging Face config's transformer and gives nothing for one that does not say", () => {
    // Act / Assess
    expect(
      modelSizeFromConfig({ num_hidden_layers: 24, hidden_size: 1024, intermediate_size: 4096 }),
    ).toEqual({
      layers: 24,
      hidden: 1024,
      feedForward: 4096,
    });
    expect(modelSizeFromConfig({ hidden_size: 1024 })).toBeUndefined();
    expect(
      modelSizeFromConfig({ num_hidden_layers: '24', hidden_size: 1024, intermediate_size: 4096 }),
    ).toBeUndefined();
  });
});
