import { CPU_TIMEOUT } from '../../../cdk/constructs/cpu-align-function';
import { amdahlRtf, MB_PER_VCPU, MEASURED_BASE } from '../../../cdk/constructs/cpu-sizing';
import { costPerAudioHour, LAMBDA_SIZES, sizeCosts, TIMEOUT_SEC } from '../../../tools/bench/lambda-cost';

describe('costPerAudioHour', () => {
  it('prices an audio hour at the measured speed: memory in GB times wall seconds times the x86 GB-second price', () => {
    // Prepare
    const rtf = amdahlRtf(MEASURED_BASE, 2);

    // Act
    const cost = costPerAudioHour(3538, rtf);

    // Assess
    expect(cost).toBeCloseTo(3600 * MEASURED_BASE.rtfTwoThreads * (3538 / 1024) * 0.0000166667, 10);
  });
});

describe('sizeCosts', () => {
  it("gives each whole vCPU count up to Lambda's largest memory, sized for the CPU function's timeout", () => {
    // Act
    const sizes = sizeCosts(MEASURED_BASE);

    // Assess
    expect(LAMBDA_SIZES).toEqual([1, 2, 3, 4, 5].map((vcpus) => vcpus * MB_PER_VCPU).concat(10_240));
    expect(sizes.map((size) => size.threads)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(TIMEOUT_SEC).toBe(CPU_TIMEOUT.toSeconds());
  });

  it('gives no threshold to a size the stack refuses, and still prices it', () => {
    // Act
    const [smallest] = sizeCosts(MEASURED_BASE);

    // Assess
    expect(smallest?.largeFileThresholdSec).toBeUndefined();
    expect(smallest?.costPerAudioHour).toBeCloseTo(costPerAudioHour(1769, MEASURED_BASE.rtfOneThread), 10);
  });
});
