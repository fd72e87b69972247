import type { InferenceSession } from 'onnxruntime-node';

/**
 * Session options of the CPU backend. onnxruntime-node ships the CPU provider only here, so there are no GPU
 * options to map: fp16 is a Triton setting (USE_FLOAT16 / USE_MIXED_PRECISION) and CUDA_EMPTY_CACHE is inert.
 */
export function cpuSessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
}
