import type { RetryPolicy } from '../concurrency/retry';
import type { AppConfig, LargeFilePolicy } from '../config/app-config';
import type { OutputFormat } from '../output/result';
import type { ActivityLayout } from './activity-layout';
import type { AlignSettings } from './align-job';
import { folderLayout } from './folder-layout';
import { bucketLayout } from './object-keys';

/** Everything an activity needs to know from the configuration. */
export interface ActivitySettings {
  layout: ActivityLayout;
  outputFormats: OutputFormat[];
  resultsBucket: string | undefined;
  align: AlignSettings;
  decode: { maxDurationSec: number; timeoutMs: number; streamThresholdBytes: number };
  largeFile: { bytes: number; seconds: number; policy: LargeFilePolicy };
  /** USE_TRITON: route every activity to the GPU state machine. */
  useTriton: boolean;
  /** Activity-level retries of retryable failures (throttling, 5xx, timeouts). */
  retry: RetryPolicy;
  maxConcurrency: number;
  /**
   * A result of another model or quantization is stale. Off in the pipeline: it serves one model per deployment,
   * and a file aligned on the Triton branch (fp32) must not look stale to the CPU Lambda (int8).
   */
  sameModelRequired: boolean;
}

/** Derives the activity settings from the application configuration. */
export function activitySettings(config: AppConfig): ActivitySettings {
  const { pipeline } = config;
  return {
    layout: bucketLayout({
      incomingPrefix: pipeline.incomingPrefix,
      resultsPrefix: pipeline.resultsPrefix,
      failedPrefix: pipeline.failedPrefix,
    }),
    outputFormats: pipeline.outputFormats,
    resultsBucket: pipeline.resultsBucket,
    align: { robustMode: config.robustMode, confidenceWeighting: config.confidenceWeighting, star: false },
    decode: {
      maxDurationSec: config.maxAudioDurationSec,
      timeoutMs: config.audioReadTimeoutSec * 1000,
      streamThresholdBytes: config.audioStreamThresholdBytes,
    },
    largeFile: {
      bytes: pipeline.largeFileThresholdBytes,
      seconds: pipeline.largeFileThresholdSec,
      policy: pipeline.largeFilePolicy,
    },
    useTriton: config.useTriton,
    retry: {
      maxAttempts: pipeline.activityRetryMax,
      baseMs: config.s3.retryBaseSec * 1000,
      maxBackoffMs: config.s3.retryMaxBackoffSec * 1000,
    },
    maxConcurrency: config.pipelineMaxConcurrency,
    sameModelRequired: false,
  };
}

/**
 * The settings for a local folder (`align-dir`): the folder layout, results and failure records in
 * `resultsBucket` (the store's name for the output folder), the command's formats, and every file aligned
 * here, as there is no GPU branch to hand a large one to. Users switch `--model` between runs, so a result of
 * another model is stale.
 */
export function folderActivitySettings(
  config: AppConfig,
  formats: OutputFormat[],
  resultsBucket: string,
): ActivitySettings {
  return {
    ...activitySettings(config),
    layout: folderLayout(),
    outputFormats: formats,
    resultsBucket,
    largeFile: { bytes: Number.POSITIVE_INFINITY, seconds: Number.POSITIVE_INFINITY, policy: 'process' },
    sameModelRequired: true,
  };
}
