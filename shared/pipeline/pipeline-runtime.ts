import { SFNClient } from '@aws-sdk/client-sfn';
import { KeyedQueue } from '../concurrency/keyed-queue';
import type { AppConfig } from '../config/app-config';
import type { AcousticModel } from '../inference/acoustic-model';
import { type S3ClientExtras, S3ClientPool } from '../s3/s3-client-pool';
import { S3Store } from '../s3/s3-store';
import { ActivityMetrics, type ActivityTelemetry } from '../telemetry/activity-metrics';
import { createPipelineLogger, type PipelineLog } from '../telemetry/pipeline-logger';
import { activitySettings } from './activity-settings';
import { LargeFileHandoff } from './large-file-handoff';
import type { ObjectContext } from './object-activities';

/** The service name in logs and the metrics' `service` dimension. */
export const SERVICE_NAME = 'w2v2-align';

/** Where a process runs inference: `triton` when USE_TRITON=true and there is no state machine to hand to. */
export type InferenceBackend = 'cpu' | 'triton';

/**
 * Opens the acoustic model for the backend this process runs. Given by the handler, so a package imports only
 * the backends it can run (the Triton Lambda ships without onnxruntime-node).
 */
export type ModelLoader = (backend: InferenceBackend) => Promise<AcousticModel>;

/** What a process builds once and reuses across invocations. */
export interface PipelineRuntime {
  context: ObjectContext;
  pool: S3ClientPool;
  /** Resolves when the warm S3 clients are connected (or have tried to). */
  warmed: Promise<void>;
  backend: InferenceBackend;
}

/** Replacements for tests and local runs: S3 credentials, a model, a log, a metrics sink. */
export interface RuntimeOverrides {
  s3?: S3ClientExtras;
  model?: (() => Promise<AcousticModel>) | undefined;
  log?: PipelineLog;
  telemetry?: ActivityTelemetry;
}

/**
 * Builds the pipeline's long-lived parts from the configuration: the S3 client pool (warm clients connect
 * now), the store, logger, metrics, the Step Functions hand-off when STATE_MACHINE_ARN is set, and the model
 * from `loadModel`, called on first use and then kept.
 */
export function createPipelineRuntime(
  config: AppConfig,
  loadModel: ModelLoader,
  overrides: RuntimeOverrides = {},
): PipelineRuntime {
  const log = overrides.log ?? createPipelineLogger(SERVICE_NAME);
  const pool = new S3ClientPool(config.s3, overrides.s3);
  const warmed = pool.warm(config.pipeline.resultsBucket);
  const { stateMachineArn } = config.pipeline;
  // With a state machine configured, Triton is reached through it; without one, this process is the GPU path.
  const backend: InferenceBackend = config.useTriton && stateMachineArn === undefined ? 'triton' : 'cpu';
  return {
    pool,
    warmed,
    backend,
    context: {
      store: new S3Store(pool, config.s3, log),
      model: overrides.model ?? cachedModel(() => loadModel(backend)),
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
function cachedModel(load: () => Promise<AcousticModel>): () => Promise<AcousticModel> {
  let loading: Promise<AcousticModel> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
