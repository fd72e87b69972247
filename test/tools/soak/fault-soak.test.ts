/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { describeFaultSoak, runFaultSoak } from '../../../tools/soak/fault-soak';

describe('the fault soak, a fixed-seed slice', () => {
  it('ends every activity with a correct result or a failure record at 30% S3 faults, inference once each, inputs untouched', async () => {
    // Prepare
    const options = { activities: 8, faultRate: 0.3, seed: 7, concurrency: 4, readTimeoutSec: 0.5 };

    // Act
    const report = await runFaultSoak(options);

    // Assess
    expect(report.faults.faults).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.corrupted).toEqual([]);
    expect(report.correct + report.failed.length).toBe(8);
    expect(report.correct).toBeGreaterThan(0);
    expect(
      Object.keys(report.inferenceCalls)
        .map(Number)
        .every((calls) => calls <= 1),
    ).toBe(true);
    expect(report.inputsChanged).toEqual([]);
    expect(describeFaultSoak(report, options)).toContain('lost 0');
  }, 120_000);
});
