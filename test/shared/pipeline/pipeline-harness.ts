import type { Emissions } from '../../../shared/align/emissions';
import { KeyedQueue } from '../../../shared/concurrency/keyed-queue';
import { loadConfig } from '../../../shared/config/app-config';
import { FolderStore } from '../../../shared/folder/folder-store';
import type { AcousticModel } from '../../../shared/inference/acoustic-model';
import type { ModelSpec } from '../../../shared/model/model-spec';
import type { AlignmentResult, OutputFormat } from '../../../shared/output/result';
import { encodeWav16 } from '../../../shared/output/viewer/wav-encoder';
import { activitySettings, folderActivitySettings } from '../../../shared/pipeline/activity-settings';
import type { ObjectContext } from '../../../shared/pipeline/object-activities';
import { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import { S3Store } from '../../../shared/s3/s3-store';
import type { ActivityTelemetry } from '../../../shared/telemetry/activity-metrics';
import type { PipelineLog } from '../../../shared/telemetry/pipeline-logger';
import { createVocabulary } from '../../../shared/text/vocabulary';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../tools/local-s3/local-s3-server';
import { WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

/**
 * A stand-in acoustic model: flat emissions (every token equally likely), 20 ms frames at 16 kHz. It counts
 * calls and the most calls in flight at once, and can be slowed to make concurrency observable.
 */
export class StandInModel implements AcousticModel {
  public readonly backend = 'cpu' as const;
  public readonly quantized = false;
  public readonly spec: ModelSpec = {
    name: 'stand-in',
    dir: '',
    onnxPath: '',
    int8Path: undefined,
    sampleRate: 16_000,
    doNormalize: true,
    convLayers: [{ kernel: 320, stride: 320 }],
    samplesPerFrame: 320,
    frameSec: 0.02,
    vocabulary: createVocabulary({ ...WAV2VEC2_BASE_VOCAB }, { pad_token_id: 0, word_delimiter_token: '|' }),
    timingCorrection: { startSec: 0, endSec: 0 },
  };
  public calls = 0;
  public inFlight = 0;
  public peakInFlight = 0;

  public constructor(private readonly delayMs = 0) {}

  public async logProbs(samples: Float32Array): Promise<Emissions> {
    this.calls++;
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const vocab = this.spec.vocabulary.size;
      const frames = Math.floor(samples.length / this.spec.samplesPerFrame);
      return { data: new Float32Array(frames * vocab).fill(-Math.log(vocab)), frames, vocab };
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * A stand-in model whose first inference waits until `release()`: a Lambda still busy with one version of a
 * file while another aligns the next. `entered` resolves once that first inference is waiting.
 */
export class GatedModel extends StandInModel {
  public readonly entered: Promise<void>;
  private enter: () => void = () => undefined;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });

  public constructor() {
    super();
    this.entered = new Promise<void>((resolve) => {
      this.enter = resolve;
    });
  }

  /** Lets the held inference (and every later one) go on. */
  public release(): void {
    this.open();
  }

  public override async logProbs(samples: Float32Array): Promise<Emissions> {
    this.enter();
    await this.gate;
    return super.logProbs(samples);
  }
}

/** Telemetry that keeps what it is told. */
export class RecordingTelemetry implements ActivityTelemetry {
  public readonly successes: AlignmentResult[] = [];
  public readonly failures: Array<{ code: string; backend: string; recordLost?: true }> = [];

  public succeeded(result: AlignmentResult): void {
    this.successes.push(result);
  }

  public failed(code: string, backend: 'cpu' | 'triton', recordLost = false): void {
    this.failures.push({ code, backend, ...(recordLost ? { recordLost: true as const } : {}) });
  }
}

/** A log that keeps its lines (level, message, extra) for assertions. */
export function recordingLog(): PipelineLog & {
  lines: Array<{ level: string; message: string; extra?: unknown }>;
} {
  const lines: Array<{ level: string; message: string; extra?: unknown }> = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    void lines.push({ level, message, extra });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A pipeline context against a local S3 endpoint with millisecond backoff and a stand-in model. */
export function pipelineContext(
  endpoint: string,
  env: Record<string, string> = {},
  model: AcousticModel = new StandInModel(),
): {
  context: ObjectContext;
  telemetry: RecordingTelemetry;
  log: ReturnType<typeof recordingLog>;
  pool: S3ClientPool;
} {
  const config = loadConfig({
    S3_ENDPOINT: endpoint,
    S3_RETRY_BASE: '0.001',
    S3_RETRY_MAX_BACKOFF: '0.01',
    ...env,
  });
  const pool = new S3ClientPool(config.s3, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
  const log = recordingLog();
  const telemetry = new RecordingTelemetry();
  const context: ObjectContext = {
    store: new S3Store(pool, config.s3, log),
    model: async () => model,
    handoff: undefined,
    log,
    settings: activitySettings(config),
    telemetry,
    queue: new KeyedQueue(),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  };
  return { context, telemetry, log, pool };
}

/**
 * A pipeline context on local folders, as `align-dir` builds it (folder store and layout, results in `resultsDir`,
 * which defaults to the input folder), with millisecond backoff and a stand-in model.
 */
export function folderPipelineContext(
  dir: string,
  formats: OutputFormat[],
  model: AcousticModel = new StandInModel(),
  resultsDir = dir,
): { context: ObjectContext; telemetry: RecordingTelemetry; log: ReturnType<typeof recordingLog> } {
  const config = loadConfig({ S3_RETRY_BASE: '0.001', S3_RETRY_MAX_BACKOFF: '0.01' });
  const log = recordingLog();
  const telemetry = new RecordingTelemetry();
  const context: ObjectContext = {
    store: new FolderStore({ [FOLDER_INPUT]: dir, [FOLDER_RESULTS]: resultsDir }),
    model: async () => model,
    handoff: undefined,
    log,
    settings: folderActivitySettings(config, formats, FOLDER_RESULTS),
    telemetry,
    queue: new KeyedQueue(),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  };
  return { context, telemetry, log };
}

/** The folder store's names for the input and results folders in `folderPipelineContext`. */
export const FOLDER_INPUT = 'input';
export const FOLDER_RESULTS = 'results';

/** A 16-bit PCM mono WAV of a quiet tone. */
export function toneWav(seconds: number, sampleRate = 16_000): Buffer {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = (3000 / 32767) * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
  return encodeWav16(samples, sampleRate);
}
