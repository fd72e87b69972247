import { InvalidInputError } from '../errors';
import { parseFormats } from '../output/render';
import type { OutputFormat } from '../output/result';
import { ConfigError, SettingsSource } from './settings-source';

/** S3 client behaviour (SPEC §5); times in seconds. */
export interface S3Config {
  warmClients: number;
  poolSize: number;
  useHeadForProgress: boolean;
  retryMax: number;
  retryBaseSec: number;
  retryMaxBackoffSec: number;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  maxConcurrentOperations: number;
  maxConnections: number;
  maxConnectionsPerHost: number;
  connectionTimeoutSec: number;
  readTimeoutSec: number;
  allowDeletes: boolean;
  /** `S3_ENDPOINT`: a local S3-compatible server (path-style addressing is used with it). */
  endpoint: string | undefined;
}

/** The S3-triggered pipeline: key layout, outputs, telemetry and the large-file hand-off. */
export interface PipelineConfig {
  incomingPrefix: string;
  resultsPrefix: string;
  failedPrefix: string;
  outputFormats: OutputFormat[];
  /** Results and failure records go to this bucket; undefined: the bucket the audio came from. */
  resultsBucket: string | undefined;
  metricsNamespace: string;
  /** Model directory for the CPU backend; undefined: the bundled demo model. */
  modelDir: string | undefined;
  /** Files above either threshold are large: LARGE_FILE_POLICY says what happens to them. */
  largeFileThresholdBytes: number;
  largeFileThresholdSec: number;
  /**
   * `handoff`: to the state machine's GPU branch (needs STATE_MACHINE_ARN); `refuse`: a failure record naming
   * the limit (a deployment without a GPU branch); `process`: on CPU anyway, with a warning in the result.
   */
  largeFilePolicy: LargeFilePolicy;
  stateMachineArn: string | undefined;
  /** Attempts per activity within one invocation when a failure is retryable (throttling, 5xx, timeouts). */
  activityRetryMax: number;
}

/** What happens to a file above the large-file thresholds, or one that asks for Triton. */
export type LargeFilePolicy = 'handoff' | 'refuse' | 'process';

const LARGE_FILE_POLICIES: readonly LargeFilePolicy[] = ['handoff', 'refuse', 'process'];

/** How the Triton backend is reached and fed (used when USE_TRITON=true). */
export interface TritonConfig {
  /** `TRITON_CA_BUNDLE`: PEM file of CAs to trust besides Node's (NODE_EXTRA_CA_CERTS also works, via Node). */
  caBundlePath: string | undefined;
  timeoutSec: number;
  /** Attempts per request, the first included. */
  retryMax: number;
  maxInFlight: number;
  batchWindows: number;
  /** Binary tensor extension (true) or JSON tensors. */
  binaryData: boolean;
}

/** Every setting of the product, parsed and validated once at startup. */
export interface AppConfig {
  useTriton: boolean;
  tritonUrl: string | undefined;
  tritonModel: string;
  triton: TritonConfig;
  pipelineMaxConcurrency: number;
  quantize: boolean;
  confidenceWeighting: boolean;
  robustMode: boolean;
  cudaEmptyCache: boolean;
  mixedPrecision: boolean;
  float16: boolean;
  s3: S3Config;
  audioReadTimeoutSec: number;
  audioStreamThresholdBytes: number;
  maxAudioDurationSec: number;
  pipeline: PipelineConfig;
}

/** Defaults for the settings SPEC §5 leaves open; the README's configuration table repeats them. */
export const DEFAULTS = {
  s3PoolSize: 4,
  s3RetryMax: 5,
  s3RetryBaseSec: 0.2,
  s3RetryMaxBackoffSec: 10,
  s3MaxConcurrentDownloads: 4,
  s3MaxConcurrentUploads: 8,
  s3MaxConcurrentOperations: 16,
  s3MaxConnections: 50,
  s3ConnectionTimeoutSec: 5,
  s3ReadTimeoutSec: 60,
  audioStreamThresholdBytes: 64 * 1024 * 1024,
  maxAudioDurationSec: 4 * 3600,
  largeFileThresholdBytes: 200 * 1024 * 1024,
  largeFileThresholdSec: 15 * 60,
  activityRetryMax: 3,
  tritonTimeoutSec: 30,
  tritonRetryMax: 4,
  tritonMaxInFlight: 2,
  tritonBatchWindows: 4,
} as const;

/** Parses and validates the whole configuration from the environment (and CONFIG_FILE); throws ConfigError. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const source = SettingsSource.fromEnvironment(env);
  const useTriton = source.boolean(['USE_TRITON'], false);
  const tritonUrl = source.string(['TRITON_URL']);
  if (useTriton && tritonUrl === undefined) {
    throw new ConfigError(
      'TRITON_URL is required when USE_TRITON=true (an https:// URL of the Triton server)',
    );
  }
  if (tritonUrl !== undefined) assertHttpsUrl(tritonUrl);

  const maxConnections = source.number(['S3_MAX_CONNECTIONS'], DEFAULTS.s3MaxConnections, {
    integer: true,
    min: 1,
  });
  const warmClients = source.number(['S3_WARM_CLIENTS'], 2, { integer: true });
  const poolSize = source.number(['S3_CLIENT_POOL_SIZE'], Math.max(DEFAULTS.s3PoolSize, warmClients), {
    integer: true,
    min: 1,
  });
  if (warmClients > poolSize) {
    throw new ConfigError(
      `S3_WARM_CLIENTS (${warmClients}) must not exceed S3_CLIENT_POOL_SIZE (${poolSize})`,
    );
  }
  const retryBaseSec = source.number(['S3_RETRY_BASE', 'S3_RETRY_BACKOFF_BASE'], DEFAULTS.s3RetryBaseSec);
  const retryMaxBackoffSec = source.number(
    ['S3_RETRY_MAX_BACKOFF', 'S3_RETRY_BACKOFF_MAX'],
    DEFAULTS.s3RetryMaxBackoffSec,
  );
  if (retryMaxBackoffSec < retryBaseSec) {
    throw new ConfigError(
      `S3_RETRY_MAX_BACKOFF (${retryMaxBackoffSec}) must be at least S3_RETRY_BASE (${retryBaseSec})`,
    );
  }

  return {
    useTriton,
    tritonUrl,
    tritonModel: source.string(['TRITON_MODEL']) ?? 'w2v2',
    triton: {
      caBundlePath: source.string(['TRITON_CA_BUNDLE']),
      timeoutSec: source.number(['TRITON_TIMEOUT_SEC'], DEFAULTS.tritonTimeoutSec, { positive: true }),
      retryMax: source.number(['TRITON_RETRY_MAX'], DEFAULTS.tritonRetryMax, { integer: true, min: 1 }),
      maxInFlight: source.number(['TRITON_MAX_IN_FLIGHT'], DEFAULTS.tritonMaxInFlight, {
        integer: true,
        min: 1,
      }),
      batchWindows: source.number(['TRITON_BATCH_WINDOWS'], DEFAULTS.tritonBatchWindows, {
        integer: true,
        min: 1,
      }),
      binaryData: source.boolean(['TRITON_BINARY_DATA'], true),
    },
    pipelineMaxConcurrency: source.number(['PIPELINE_MAX_CONCURRENCY'], 4, { integer: true, min: 1 }),
    quantize: source.boolean(['W2V2_QUANTIZE'], false),
    confidenceWeighting: source.boolean(['ALIGNER_CONFIDENCE_WEIGHTING'], false),
    robustMode: source.boolean(['DECODER_ROBUST_MODE'], true),
    cudaEmptyCache: source.boolean(['CUDA_EMPTY_CACHE'], false),
    mixedPrecision: source.boolean(['USE_MIXED_PRECISION'], false),
    float16: source.boolean(['USE_FLOAT16'], false),
    s3: {
      warmClients,
      poolSize,
      useHeadForProgress: source.boolean(['S3_USE_HEAD_FOR_PROGRESS'], false),
      retryMax: source.number(['S3_RETRY_MAX', 'S3_MAX_RETRIES'], DEFAULTS.s3RetryMax, {
        integer: true,
        min: 1,
      }),
      retryBaseSec,
      retryMaxBackoffSec,
      maxConcurrentDownloads: source.number(
        ['S3_MAX_CONCURRENT_DOWNLOADS'],
        DEFAULTS.s3MaxConcurrentDownloads,
        {
          integer: true,
          min: 1,
        },
      ),
      maxConcurrentUploads: source.number(['S3_MAX_CONCURRENT_UPLOADS'], DEFAULTS.s3MaxConcurrentUploads, {
        integer: true,
        min: 1,
      }),
      maxConcurrentOperations: source.number(
        ['S3_MAX_CONCURRENT_OPERATIONS'],
        DEFAULTS.s3MaxConcurrentOperations,
        { integer: true, min: 1 },
      ),
      maxConnections,
      maxConnectionsPerHost: source.number(['S3_MAX_CONNECTIONS_PER_HOST'], maxConnections, {
        integer: true,
        min: 1,
      }),
      connectionTimeoutSec: source.number(['S3_CONNECTION_TIMEOUT'], DEFAULTS.s3ConnectionTimeoutSec, {
        positive: true,
      }),
      readTimeoutSec: source.number(['S3_READ_TIMEOUT'], DEFAULTS.s3ReadTimeoutSec, { positive: true }),
      allowDeletes: source.boolean(['S3_ALLOW_DELETES'], false),
      endpoint: optionalHttpUrl(source, 'S3_ENDPOINT'),
    },
    audioReadTimeoutSec: source.number(['AUDIO_READ_TIMEOUT_SEC'], 10, { positive: true }),
    audioStreamThresholdBytes: source.number(
      ['AUDIO_MMAP_THRESHOLD_BYTES'],
      DEFAULTS.audioStreamThresholdBytes,
      {
        integer: true,
      },
    ),
    maxAudioDurationSec: source.number(['MAX_AUDIO_DURATION_SEC'], DEFAULTS.maxAudioDurationSec, {
      positive: true,
    }),
    pipeline: loadPipelineConfig(source),
  };
}

function loadPipelineConfig(source: SettingsSource): PipelineConfig {
  const incomingPrefix = keyPrefix(source, 'INCOMING_PREFIX', 'incoming/');
  const resultsPrefix = keyPrefix(source, 'RESULTS_PREFIX', 'results/');
  const failedPrefix = keyPrefix(source, 'FAILED_PREFIX', 'failed/');
  const prefixes = {
    INCOMING_PREFIX: incomingPrefix,
    RESULTS_PREFIX: resultsPrefix,
    FAILED_PREFIX: failedPrefix,
  };
  for (const [name, prefix] of Object.entries(prefixes)) {
    for (const [otherName, other] of Object.entries(prefixes)) {
      // Overlapping prefixes would make the pipeline's own outputs re-trigger it (or be taken for inputs).
      if (name !== otherName && other.startsWith(prefix)) {
        throw new ConfigError(`${name} ("${prefix}") and ${otherName} ("${other}") must not overlap`);
      }
    }
  }
  const formats = source.lookup(['OUTPUT_FORMATS']);
  let outputFormats: OutputFormat[];
  try {
    outputFormats = formats === undefined ? parseFormats('all') : parseFormats(formats.value);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new ConfigError(`${formats?.name ?? 'OUTPUT_FORMATS'}: ${error.message}`, { cause: error });
  }
  // The result document is the record of what was done (and what idempotency checks read): always written.
  if (!outputFormats.includes('json')) outputFormats = ['json', ...outputFormats];
  const stateMachineArn = source.string(['STATE_MACHINE_ARN']);
  if (stateMachineArn !== undefined && !/^arn:aws[a-z-]*:states:/.test(stateMachineArn)) {
    throw new ConfigError(
      `STATE_MACHINE_ARN must be a Step Functions state machine ARN (arn:aws:states:...), got "${stateMachineArn}"`,
    );
  }
  const policy = source.lookup(['LARGE_FILE_POLICY']);
  const largeFilePolicy = (policy?.value ??
    (stateMachineArn === undefined ? 'process' : 'handoff')) as LargeFilePolicy;
  if (!LARGE_FILE_POLICIES.includes(largeFilePolicy)) {
    throw new ConfigError(
      `${policy?.name ?? 'LARGE_FILE_POLICY'} must be one of ${LARGE_FILE_POLICIES.join(', ')}, got "${policy?.value}"`,
    );
  }
  if (largeFilePolicy === 'handoff' && stateMachineArn === undefined) {
    throw new ConfigError(
      'STATE_MACHINE_ARN is required when LARGE_FILE_POLICY=handoff (the state machine to hand to)',
    );
  }
  return {
    incomingPrefix,
    resultsPrefix,
    failedPrefix,
    outputFormats,
    resultsBucket: source.string(['RESULTS_BUCKET']),
    metricsNamespace: source.string(['METRICS_NAMESPACE']) ?? 'W2V2Align',
    modelDir: source.string(['MODEL_DIR']),
    largeFileThresholdBytes: source.number(['LARGE_FILE_THRESHOLD_BYTES'], DEFAULTS.largeFileThresholdBytes, {
      integer: true,
      positive: true,
    }),
    largeFileThresholdSec: source.number(['LARGE_FILE_THRESHOLD_SEC'], DEFAULTS.largeFileThresholdSec, {
      positive: true,
    }),
    largeFilePolicy,
    stateMachineArn,
    activityRetryMax: source.number(['ACTIVITY_RETRY_MAX'], DEFAULTS.activityRetryMax, {
      integer: true,
      min: 1,
    }),
  };
}

/** A key prefix: non-empty, ends with "/", no leading "/" and no "." or ".." segments. */
function keyPrefix(source: SettingsSource, name: string, fallback: string): string {
  const found = source.lookup([name]);
  if (found === undefined) return fallback;
  const prefix = found.value.endsWith('/') ? found.value : `${found.value}/`;
  const segments = prefix.slice(0, -1).split('/');
  if (
    prefix.startsWith('/') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new ConfigError(
      `${found.name} must be a key prefix like "incoming/" or "audio/in/" (no leading "/", empty, "." or ".." parts), got "${found.value}"`,
    );
  }
  return prefix;
}

function optionalHttpUrl(source: SettingsSource, name: string): string | undefined {
  const value = source.string([name]);
  if (value === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch (error) {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${value}"`, { cause: error });
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  return value;
}

function assertHttpsUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`TRITON_URL must be an https:// URL, got "${value}"`, { cause: error });
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(
      `TRITON_URL must be an https:// URL (Triton is only reached over TLS), got "${value}"`,
    );
  }
}
