import type { AppConfig, LargeFilePolicy } from '../config/app-config';
import type { OutputFormat } from '../output/result';
import type { RetryPolicy } from '../s3/retry';
import type { AlignSettings } from './align-job';
import type { KeyLayout } from './object-keys';

/** Everything an activity needs to know from the configuration. */
export interface ActivitySettings {
  layout: KeyLayout;
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
}

/** Derives the activity settings from the application configuration. */
export function activitySettings(config: AppConfig): ActivitySettings {
  const { pipeline } = config;
  return {
    layout: {
      incomingPrefix: pipeline.incomingPrefix,
      resultsPrefix: pipeline.resultsPrefix,
      failedPrefix: pipeline.failedPrefix,
    },
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
  };
}
