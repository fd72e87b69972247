import { cpuSessionOptions } from '../../../shared/inference/execution-settings';

describe('cpuSessionOptions', () => {
  it('runs on the CPU provider alone with the requested intra-op threads', () => {
    // Act
    const options = cpuSessionOptions(3);

    // Assess
    expect(options.executionProviders).toEqual(['cpu']);
    expect(options.intraOpNumThreads).toBe(3);
    expect(options.interOpNumThreads).toBe(1);
  });
});
