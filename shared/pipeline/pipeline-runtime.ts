import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { AppConfig } from '../config/app-config';
import { type AcousticModel, openOnnxModel } from '../inference/onnx-acoustic-model';
import { resolveModelFile } from '../model/model-file';
import { loadModelSpec } from '../model/model-spec';
import { type S3ClientExtras, S3ClientPool } from '../s3/s3-client-pool';
import { S3Store } from '../s3/s3-store';
import { ActivityMetrics, type ActivityTelemetry } from '../telemetry/activity-metrics';
import { createPipelineLogger, type PipelineLog } from '../telemetry/pipeline-logger';
import { openTritonModel } from '../triton/triton-acoustic-model';
import { tritonModelOptions } from '../triton/triton-settings';
import { activitySettings } from './activity-settings';
import { KeyedQueue } from './keyed-queue';
import { LargeFileHandoff } from './large-file-handoff';
import type { ObjectContext } from './object-activities';

/** The service name in logs and the metrics' `service` dimension. */
export const SERVICE_NAME = 'w2v2-align';

/** What a process builds once and reuses across invocations. */
export interface PipelineRuntime {
  context: ObjectContext;
  pool: S3ClientPool;
  /** Resolves when the warm S3 clients are connected (or have tried to). */
  warmed: Promise<void>;
  /** Where this process runs inference: `triton` when USE_TRITON=true and there is no state machine to hand to. */
  backend: 'cpu' | 'triton';
}

/** Replacements for tests and local runs: S3 credentials, a model, a log, a metrics sink. */
export interface RuntimeOverrides {
  s3?: S3ClientExtras;
  model?: () => Promise<AcousticModel>;
  log?: PipelineLog;
  telemetry?: ActivityTelemetry;
}

/**
 * Builds the pipeline's long-lived parts from the configuration: the S3 client pool (warm clients connect
 * now), the store, logger, metrics, the Step Functions hand-off when STATE_MACHINE_ARN is set, and a model
 * loaded on first use and then kept. `modelDir` is asked only when the model is first needed.
 */
export function createPipelineRuntime(
  config: AppConfig,
  modelDir: () => string,
  overrides: RuntimeOverrides = {},
): PipelineRuntime {
  const log = overrides.log ?? createPipelineLogger(SERVICE_NAME);
  const pool = new S3ClientPool(config.s3, overrides.s3);
  const warmed = pool.warm(config.pipeline.resultsBucket);
  const { stateMachineArn } = config.pipeline;
  // With a state machine configured, Triton is reached through it; without one, this process is the GPU path.
  const backend = config.useTriton && stateMachineArn === undefined ? 'triton' : 'cpu';
  return {
    pool,
    warmed,
    backend,
    context: {
      store: new S3Store(pool, config.s3, log),
      model: overrides.model ?? cachedModelLoader(config, modelDir, backend),
      backend,
      handoff:
        stateMachineArn === undefined ? undefined : new LargeFileHandoff(new SFNClient({}), stateMachineArn),
      log,
      settings: activitySettings(config),
      queue: new KeyedQueue(),
      telemetry:
        overrides.telemetry ??
        new ActivityMetrics({ namespace: config.pipeline.metricsNamespace, serviceName: SERVICE_NAME }),
    },
  };
}

/** Loads the model once; a failed load is forgotten so the next activity tries again. */
function cachedModelLoader(
  config: AppConfig,
  modelDir: () => string,
  backend: 'cpu' | 'triton',
): () => Promise<AcousticModel> {
  let loading: Promise<AcousticModel> | undefined;
  return () => {
    const load = backend === 'triton' ? loadTritonModel : loadCpuModel;
    loading ??= load(config, modelDir()).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

async function loadCpuModel(config: AppConfig, dir: string): Promise<AcousticModel> {
  const spec = await loadModelSpec(dir);
  const file = await resolveModelFile(spec, {
    quantize: config.quantize,
    cacheDir: join(tmpdir(), 'w2v2-align-models'),
  });
  return openOnnxModel(spec, {
    modelPath: file.path,
    quantized: file.quantized,
    cudaEmptyCache: config.cudaEmptyCache,
    mixedPrecision: config.mixedPrecision,
    float16: config.float16,
  });
}

/** The model directory gives the vocabulary and window geometry; Triton serves its graph. */
async function loadTritonModel(config: AppConfig, dir: string): Promise<AcousticModel> {
  const [spec, options] = await Promise.all([loadModelSpec(dir), tritonModelOptions(config)]);
  return openTritonModel(spec, options);
}
