import { ConfigError, InvalidInputError } from '../errors';
import { parseFormats } from '../output/render';
import type { OutputFormat } from '../output/result';
import { httpsUrl } from './https-url';
import { SettingsSource } from './settings-source';

/** S3 client behaviour (docs/configuration.md); times in seconds. */
export interface S3Config {
  warmClients: number;
  poolSize: number;
  retryMax: number;
  retryBaseSec: number;
  retryMaxBackoffSec: number;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  maxConcurrentOperations: number;
  /** Hard cap on sockets across the whole pool; each client gets its share (at least one). */
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

/** Every setting that does not depend on whether Triton is on. */
interface CommonConfig {
  tritonModel: string;
  triton: TritonConfig;
  pipelineMaxConcurrency: number;
  quantize: boolean;
  /** ONNX Runtime intra-op threads on CPU; undefined: every core the process may use. */
  inferenceThreads: number | undefined;
  confidenceWeighting: boolean;
  robustMode: boolean;
  /** USE_MIXED_PRECISION / USE_FLOAT16: FP16 tensors to Triton; the CPU backend has no fp16 graph to run. */
  mixedPrecision: boolean;
  float16: boolean;
  s3: S3Config;
  audioReadTimeoutSec: number;
  audioStreamThresholdBytes: number;
  maxAudioDurationSec: number;
  pipeline: PipelineConfig;
  /** Settings given that do nothing, each a sentence naming the variable and why; logged once at startup. */
  warnings: readonly string[];
}

/** Every setting of the product, parsed and validated once at startup; USE_TRITON=true comes with TRITON_URL. */
export type AppConfig = CommonConfig &
  ({ useTriton: true; tritonUrl: string } | { useTriton: false; tritonUrl: string | undefined });

/** The configuration of a process that runs inference on Triton. */
export type TritonAppConfig = Extract<AppConfig, { useTriton: true }>;

/**
 * The default of every setting that has one, by variable name: the one table each default is read from, and
 * the one docs/configuration.md's table of variables is tested against. Absent here: settings without a default
 * (TRITON_URL, S3_ENDPOINT, ...) and S3_MAX_CONNECTIONS_PER_HOST, which defaults to S3_MAX_CONNECTIONS.
 */
export const DEFAULTS = {
  USE_TRITON: false,
  TRITON_MODEL: 'w2v2',
  TRITON_TIMEOUT_SEC: 30,
  TRITON_RETRY_MAX: 4,
  TRITON_MAX_IN_FLIGHT: 2,
  TRITON_BATCH_WINDOWS: 4,
  TRITON_BINARY_DATA: true,
  PIPELINE_MAX_CONCURRENCY: 4,
  W2V2_QUANTIZE: false,
  ALIGNER_CONFIDENCE_WEIGHTING: false,
  DECODER_ROBUST_MODE: true,
  USE_MIXED_PRECISION: false,
  USE_FLOAT16: false,
  S3_WARM_CLIENTS: 2,
  S3_CLIENT_POOL_SIZE: 4,
  S3_RETRY_MAX: 5,
  S3_RETRY_BASE: 0.2,
  S3_RETRY_MAX_BACKOFF: 10,
  S3_MAX_CONCURRENT_DOWNLOADS: 4,
  S3_MAX_CONCURRENT_UPLOADS: 8,
  S3_MAX_CONCURRENT_OPERATIONS: 16,
  S3_MAX_CONNECTIONS: 50,
  S3_CONNECTION_TIMEOUT: 5,
  S3_READ_TIMEOUT: 60,
  S3_ALLOW_DELETES: false,
  AUDIO_READ_TIMEOUT_SEC: 10,
  AUDIO_MMAP_THRESHOLD_BYTES: 64 * 1024 * 1024,
  MAX_AUDIO_DURATION_SEC: 4 * 3600,
  INCOMING_PREFIX: 'incoming/',
  RESULTS_PREFIX: 'results/',
  FAILED_PREFIX: 'failed/',
  OUTPUT_FORMATS: 'all',
  METRICS_NAMESPACE: 'W2V2Align',
  LARGE_FILE_THRESHOLD_BYTES: 200 * 1024 * 1024,
  LARGE_FILE_THRESHOLD_SEC: 15 * 60,
  /** Without STATE_MACHINE_ARN; with one, `handoff`. */
  LARGE_FILE_POLICY: 'process',
  ACTIVITY_RETRY_MAX: 3,
} as const;

/**
 * Settings this implementation accepts but cannot act on, with the reason the startup warning gives
 * (docs/configuration.md#settings-that-do-nothing).
 */
const INERT_SETTINGS: Readonly<Record<string, string>> = {
  CUDA_EMPTY_CACHE:
    "inference runs on ONNX Runtime's CPU provider or on Triton, and neither has a CUDA memory arena " +
    'for this process to shrink',
  S3_USE_HEAD_FOR_PROGRESS:
    'every GET already carries the object size (Content-Length) that download progress is logged against, ' +
    'so a HEAD first would only add a request',
};

/** Parses and validates the whole configuration from the environment (and CONFIG_FILE); throws ConfigError. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const source = SettingsSource.fromEnvironment(env);
  const endpoint = source.boolean(['USE_TRITON'], DEFAULTS.USE_TRITON)
    ? tritonEndpoint(source, 'when USE_TRITON=true')
    : { useTriton: false as const, tritonUrl: optionalTritonUrl(source) };
  return { ...endpoint, ...commonConfig(source, endpoint.useTriton) };
}

/** The configuration of a process that always runs Triton (the state machine's task), whatever USE_TRITON says. */
export function loadTritonConfig(env: Readonly<Record<string, string | undefined>>): TritonAppConfig {
  const source = SettingsSource.fromEnvironment(env);
  return { ...tritonEndpoint(source, 'by the Triton task'), ...commonConfig(source, true) };
}

function tritonEndpoint(source: SettingsSource, when: string): { useTriton: true; tritonUrl: string } {
  const tritonUrl = optionalTritonUrl(source);
  if (tritonUrl === undefined) {
    throw new ConfigError(`TRITON_URL is required ${when} (an https:// URL of the Triton server)`);
  }
  return { useTriton: true, tritonUrl };
}

function optionalTritonUrl(source: SettingsSource): string | undefined {
  const found = source.lookup(['TRITON_URL']);
  if (found !== undefined) httpsUrl(found.name, found.value);
  return found?.value;
}

/** W2V2_INFERENCE_THREADS when set; a whole number from 1 to 256 (more threads than any Lambda or host has). */
function optionalThreads(source: SettingsSource): number | undefined {
  if (source.lookup(['W2V2_INFERENCE_THREADS']) === undefined) return undefined;
  const threads = source.number(['W2V2_INFERENCE_THREADS'], 1, { integer: true, min: 1 });
  if (threads > 256)
    throw new ConfigError(`W2V2_INFERENCE_THREADS must be an integer from 1 to 256, got "${threads}"`);
  return threads;
}

function commonConfig(source: SettingsSource, useTriton: boolean): CommonConfig {
  const mixedPrecision = source.boolean(['USE_MIXED_PRECISION'], DEFAULTS.USE_MIXED_PRECISION);
  const float16 = source.boolean(['USE_FLOAT16'], DEFAULTS.USE_FLOAT16);
  const fp16Asked = [mixedPrecision && 'USE_MIXED_PRECISION', float16 && 'USE_FLOAT16'].filter(
    (name): name is string => name !== false,
  );
  return {
    tritonModel: source.string(['TRITON_MODEL']) ?? DEFAULTS.TRITON_MODEL,
    triton: tritonConfig(source),
    pipelineMaxConcurrency: source.number(['PIPELINE_MAX_CONCURRENCY'], DEFAULTS.PIPELINE_MAX_CONCURRENCY, {
      integer: true,
      min: 1,
    }),
    quantize: source.boolean(['W2V2_QUANTIZE'], DEFAULTS.W2V2_QUANTIZE),
    inferenceThreads: optionalThreads(source),
    confidenceWeighting: source.boolean(
      ['ALIGNER_CONFIDENCE_WEIGHTING'],
      DEFAULTS.ALIGNER_CONFIDENCE_WEIGHTING,
    ),
    robustMode: source.boolean(['DECODER_ROBUST_MODE'], DEFAULTS.DECODER_ROBUST_MODE),
    mixedPrecision,
    float16,
    s3: s3Config(source),
    ...audioConfig(source),
    pipeline: pipelineConfig(source),
    warnings: settingWarnings(source, useTriton ? [] : fp16Asked),
  };
}

function tritonConfig(source: SettingsSource): TritonConfig {
  return {
    caBundlePath: source.string(['TRITON_CA_BUNDLE']),
    timeoutSec: source.number(['TRITON_TIMEOUT_SEC'], DEFAULTS.TRITON_TIMEOUT_SEC, { positive: true }),
    retryMax: source.number(['TRITON_RETRY_MAX'], DEFAULTS.TRITON_RETRY_MAX, { integer: true, min: 1 }),
    maxInFlight: source.number(['TRITON_MAX_IN_FLIGHT'], DEFAULTS.TRITON_MAX_IN_FLIGHT, {
      integer: true,
      min: 1,
    }),
    batchWindows: source.number(['TRITON_BATCH_WINDOWS'], DEFAULTS.TRITON_BATCH_WINDOWS, {
      integer: true,
      min: 1,
    }),
    binaryData: source.boolean(['TRITON_BINARY_DATA'], DEFAULTS.TRITON_BINARY_DATA),
  };
}

function s3Config(source: SettingsSource): S3Config {
  const maxConnections = source.number(['S3_MAX_CONNECTIONS'], DEFAULTS.S3_MAX_CONNECTIONS, {
    integer: true,
    min: 1,
  });
  const warmClients = source.number(['S3_WARM_CLIENTS'], DEFAULTS.S3_WARM_CLIENTS, { integer: true });
  const poolSize = source.number(
    ['S3_CLIENT_POOL_SIZE'],
    Math.max(DEFAULTS.S3_CLIENT_POOL_SIZE, warmClients),
    { integer: true, min: 1 },
  );
  if (warmClients > poolSize) {
    throw new ConfigError(
      `S3_WARM_CLIENTS (${warmClients}) must not exceed S3_CLIENT_POOL_SIZE (${poolSize})`,
    );
  }
  // Every client needs at least one socket, so more clients than connections would break the cap.
  if (poolSize > maxConnections) {
    throw new ConfigError(
      `S3_CLIENT_POOL_SIZE (${poolSize}) must not exceed S3_MAX_CONNECTIONS (${maxConnections}): ` +
        'each client needs a connection of its own',
    );
  }
  const retryBaseSec = source.number(['S3_RETRY_BASE', 'S3_RETRY_BACKOFF_BASE'], DEFAULTS.S3_RETRY_BASE);
  const retryMaxBackoffSec = source.number(
    ['S3_RETRY_MAX_BACKOFF', 'S3_RETRY_BACKOFF_MAX'],
    DEFAULTS.S3_RETRY_MAX_BACKOFF,
  );
  if (retryMaxBackoffSec < retryBaseSec) {
    throw new ConfigError(
      `S3_RETRY_MAX_BACKOFF (${retryMaxBackoffSec}) must be at least S3_RETRY_BASE (${retryBaseSec})`,
    );
  }
  const count = (names: string[], fallback: number): number =>
    source.number(names, fallback, { integer: true, min: 1 });
  return {
    warmClients,
    poolSize,
    retryMax: count(['S3_RETRY_MAX', 'S3_MAX_RETRIES'], DEFAULTS.S3_RETRY_MAX),
    retryBaseSec,
    retryMaxBackoffSec,
    maxConcurrentDownloads: count(['S3_MAX_CONCURRENT_DOWNLOADS'], DEFAULTS.S3_MAX_CONCURRENT_DOWNLOADS),
    maxConcurrentUploads: count(['S3_MAX_CONCURRENT_UPLOADS'], DEFAULTS.S3_MAX_CONCURRENT_UPLOADS),
    maxConcurrentOperations: count(['S3_MAX_CONCURRENT_OPERATIONS'], DEFAULTS.S3_MAX_CONCURRENT_OPERATIONS),
    maxConnections,
    maxConnectionsPerHost: count(['S3_MAX_CONNECTIONS_PER_HOST'], maxConnections),
    connectionTimeoutSec: source.number(['S3_CONNECTION_TIMEOUT'], DEFAULTS.S3_CONNECTION_TIMEOUT, {
      positive: true,
    }),
    readTimeoutSec: source.number(['S3_READ_TIMEOUT'], DEFAULTS.S3_READ_TIMEOUT, { positive: true }),
    allowDeletes: source.boolean(['S3_ALLOW_DELETES'], DEFAULTS.S3_ALLOW_DELETES),
    endpoint: optionalHttpUrl(source, 'S3_ENDPOINT'),
  };
}

function audioConfig(
  source: SettingsSource,
): Pick<CommonConfig, 'audioReadTimeoutSec' | 'audioStreamThresholdBytes' | 'maxAudioDurationSec'> {
  return {
    audioReadTimeoutSec: source.number(['AUDIO_READ_TIMEOUT_SEC'], DEFAULTS.AUDIO_READ_TIMEOUT_SEC, {
      positive: true,
    }),
    audioStreamThresholdBytes: source.number(
      ['AUDIO_MMAP_THRESHOLD_BYTES'],
      DEFAULTS.AUDIO_MMAP_THRESHOLD_BYTES,
      { integer: true },
    ),
    maxAudioDurationSec: source.number(['MAX_AUDIO_DURATION_SEC'], DEFAULTS.MAX_AUDIO_DURATION_SEC, {
      positive: true,
    }),
  };
}

/** One warning per setting given that has no effect; `fp16` names the FP16 switches set on without Triton. */
function settingWarnings(source: SettingsSource, fp16: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const [name, why] of Object.entries(INERT_SETTINGS)) {
    const found = source.lookup([name]);
    if (found !== undefined) warnings.push(`${found.name} has no effect: ${why}`);
  }
  if (fp16.length > 0) {
    warnings.push(
      `${fp16.join(' and ')} ${fp16.length === 1 ? 'has' : 'have'} no effect without USE_TRITON=true: ` +
        'they ask Triton for FP16 tensors, and the CPU backend has no fp16 graph (it runs fp32, or int8 with W2V2_QUANTIZE)',
    );
  }
  return warnings;
}

function pipelineConfig(source: SettingsSource): PipelineConfig {
  const incomingPrefix = keyPrefix(source, 'INCOMING_PREFIX', DEFAULTS.INCOMING_PREFIX);
  const resultsPrefix = keyPrefix(source, 'RESULTS_PREFIX', DEFAULTS.RESULTS_PREFIX);
  const failedPrefix = keyPrefix(source, 'FAILED_PREFIX', DEFAULTS.FAILED_PREFIX);
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
    outputFormats =
      formats === undefined ? parseFormats(DEFAULTS.OUTPUT_FORMATS) : parseFormats(formats.value);
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
    (stateMachineArn === undefined ? DEFAULTS.LARGE_FILE_POLICY : 'handoff')) as LargeFilePolicy;
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
    metricsNamespace: source.string(['METRICS_NAMESPACE']) ?? DEFAULTS.METRICS_NAMESPACE,
    modelDir: source.string(['MODEL_DIR']),
    largeFileThresholdBytes: source.number(
      ['LARGE_FILE_THRESHOLD_BYTES'],
      DEFAULTS.LARGE_FILE_THRESHOLD_BYTES,
      {
        integer: true,
        positive: true,
      },
    ),
    largeFileThresholdSec: source.number(['LARGE_FILE_THRESHOLD_SEC'], DEFAULTS.LARGE_FILE_THRESHOLD_SEC, {
      positive: true,
    }),
    largeFilePolicy,
    stateMachineArn,
    activityRetryMax: source.number(['ACTIVITY_RETRY_MAX'], DEFAULTS.ACTIVITY_RETRY_MAX, {
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
