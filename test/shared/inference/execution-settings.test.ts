import { executionSettings } from '../../../shared/inference/execution-settings';

const BASE = { cudaEmptyCache: false, mixedPrecision: false, float16: false, threads: 2 };

describe('executionSettings', () => {
  it('runs on the CPU provider with the requested threads and no warning by default', () => {
    const settings = executionSettings({ ...BASE, device: 'cpu' });

    expect(settings.sessionOptions.executionProviders).toEqual(['cpu']);
    expect(settings.sessionOptions.intraOpNumThreads).toBe(2);
    expect(settings.useFloat16Model).toBe(false);
    expect(settings.warnings).toEqual([]);
  });

  it('ignores the GPU settings on CPU with one warning naming them', () => {
    const settings = executionSettings({ ...BASE, device: 'cpu', cudaEmptyCache: true, float16: true });

    expect(settings.useFloat16Model).toBe(false);
    expect(settings.runOptions).toEqual({});
    expect(settings.warnings).toEqual([
      "CUDA_EMPTY_CACHE, USE_FLOAT16 only apply to ONNX Runtime's CUDA provider; ignored on CPU",
    ]);
  });

  it('maps CUDA_EMPTY_CACHE to arena shrinkage after each run on the CUDA provider', () => {
    const settings = executionSettings({ ...BASE, device: 'cuda', cudaEmptyCache: true });

    expect(settings.sessionOptions.executionProviders).toEqual([
      { name: 'cuda', deviceId: 0, arenaExtendStrategy: 'kSameAsRequested' },
      'cpu',
    ]);
    expect(settings.runOptions).toEqual({ extra: { memory: { enable_memory_arena_shrinkage: 'gpu:0' } } });
  });

  it.each([
    [{ mixedPrecision: true }, true],
    [{ float16: true }, true],
    [{}, false],
  ])('selects the fp16 model on CUDA for %j', (flags, expected) => {
    expect(executionSettings({ ...BASE, device: 'cuda', ...flags }).useFloat16Model).toBe(expected);
  });
});
