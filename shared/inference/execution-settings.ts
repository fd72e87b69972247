import type { InferenceSession } from 'onnxruntime-node';

/** What the user asked of the ONNX Runtime backend (SPEC §5). */
export interface ExecutionRequest {
  device: 'cpu' | 'cuda';
  /** CUDA_EMPTY_CACHE: give cached GPU memory back after each inference. */
  cudaEmptyCache: boolean;
  /** USE_MIXED_PRECISION / USE_FLOAT16: run the fp16 variant of the model. */
  mixedPrecision: boolean;
  float16: boolean;
  threads: number;
}

/** How sessions are created and run for a request, and what the user should be told about it. */
export interface ExecutionSettings {
  sessionOptions: InferenceSession.SessionOptions;
  runOptions: InferenceSession.RunOptions;
  /** Load `model.fp16.onnx` instead of the fp32 graph. */
  useFloat16Model: boolean;
  warnings: string[];
}

/** Maps the GPU-related settings onto ONNX Runtime's CUDA provider options; on CPU they are ignored with a warning. */
export function executionSettings(request: ExecutionRequest): ExecutionSettings {
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: request.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const wantsHalf = request.mixedPrecision || request.float16;
  if (request.device === 'cpu') {
    const ignored = [
      request.cudaEmptyCache ? 'CUDA_EMPTY_CACHE' : undefined,
      request.mixedPrecision ? 'USE_MIXED_PRECISION' : undefined,
      request.float16 ? 'USE_FLOAT16' : undefined,
    ].filter((name): name is string => name !== undefined);
    return {
      sessionOptions: { ...base, executionProviders: ['cpu'] },
      runOptions: {},
      useFloat16Model: false,
      warnings:
        ignored.length === 0
          ? []
          : [`${ignored.join(', ')} only apply to ONNX Runtime's CUDA provider; ignored on CPU`],
    };
  }
  return {
    sessionOptions: {
      ...base,
      executionProviders: [
        {
          name: 'cuda',
          deviceId: 0,
          // Growing the arena only by what is requested keeps the shrinkage after each run meaningful.
          ...(request.cudaEmptyCache ? { arenaExtendStrategy: 'kSameAsRequested' } : {}),
        } as InferenceSession.ExecutionProviderConfig,
        'cpu',
      ],
    },
    runOptions: request.cudaEmptyCache
      ? { extra: { memory: { enable_memory_arena_shrinkage: 'gpu:0' } } }
      : {},
    useFloat16Model: wantsHalf,
    warnings: [],
  };
}
