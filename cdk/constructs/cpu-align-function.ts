import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ConfigError } from '../../shared/errors';
import { cpuSizing, type ModelSize } from './cpu-sizing';
import { PipelineFunction } from './pipeline-function';

/** The image's build context: the Dockerfile and the files `tools/build-lambda.mjs` stages in dist/. */
export const CPU_IMAGE_DIR = join(__dirname, '..', '..', 'lambdas', 'align-cpu');

/** How long the SQS trigger gathers messages into one batch. */
export const CPU_BATCHING_WINDOW = Duration.seconds(5);

/** The most a CPU function runs: Lambda's cap, since one SQS batch may hold several files of up to 15 minutes. */
export const CPU_TIMEOUT = Duration.minutes(15);

/** Sizing of the CPU function and its SQS trigger. */
export interface CpuAlignFunctionProps {
  queue: sqs.IQueue;
  architecture: 'x86_64' | 'arm64';
  memoryMb: number;
  /** Most concurrent invocations the queue may drive (2 to 1000). */
  maxConcurrency: number;
  /** Messages per invocation; default 4, which PIPELINE_MAX_CONCURRENCY (4) runs side by side. */
  batchSize?: number;
  /** The baked-in model's transformer, which scales the large-file threshold; wav2vec2-base's when undefined. */
  model?: ModelSize | undefined;
  /** The image's build context; default CPU_IMAGE_DIR (staged by tools/build-lambda.mjs). */
  imageDir?: string | undefined;
}

/**
 * The CPU backend: the container image of `lambdas/align-cpu/Dockerfile` (int8 model baked in), fed by the
 * ingest queue with partial batch responses, so one bad file does not redeliver its whole batch.
 */
export class CpuAlignFunction extends PipelineFunction {
  public constructor(scope: Construct, id: string, props: CpuAlignFunctionProps) {
    const imageDir = props.imageDir ?? CPU_IMAGE_DIR;
    assertStagedArchitecture(imageDir, props.architecture);
    super(scope, id, {
      code: {
        kind: 'image',
        code: lambda.DockerImageCode.fromImageAsset(imageDir, {
          platform: props.architecture === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        }),
      },
      description: 'w2v2-align: aligns S3 uploads on CPU (onnxruntime, int8)',
      // Lambda gives CPU in proportion to memory: 10 GB = 6 vCPUs, which onnxruntime's intra-op threads use.
      // The price per GB-second is flat, so when inference scales with cores the bill barely moves.
      memorySize: props.memoryMb,
      timeout: CPU_TIMEOUT,
      architecture: props.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      // The model is in the image and pre-quantized; /tmp only holds downloads in flight, which stream.
      ephemeralStorageSize: 512,
    });
    // Threads and large-file thresholds follow the measured speed and memory (docs/deploy.md#cpu-lambda-sizing).
    const batchSize = props.batchSize ?? 4;
    const sizing = cpuSizing({
      memoryMb: props.memoryMb,
      timeoutSec: CPU_TIMEOUT.toSeconds(),
      batchSize,
      model: props.model,
    });
    this.function.addEnvironment('W2V2_INFERENCE_THREADS', String(sizing.threads));
    this.function.addEnvironment('LARGE_FILE_THRESHOLD_SEC', String(sizing.largeFileThresholdSec));
    this.function.addEnvironment('LARGE_FILE_THRESHOLD_BYTES', String(sizing.largeFileThresholdBytes));
    this.function.addEventSource(
      new sources.SqsEventSource(props.queue, {
        batchSize,
        maxBatchingWindow: CPU_BATCHING_WINDOW,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );
  }
}

/** A staged image whose onnxruntime binaries are for another CPU would fail only when the Lambda first runs. */
function assertStagedArchitecture(imageDir: string, architecture: 'x86_64' | 'arm64'): void {
  const binaries = join(imageDir, 'dist', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux');
  const wanted = architecture === 'arm64' ? 'arm64' : 'x64';
  if (existsSync(binaries) && !existsSync(join(binaries, wanted))) {
    throw new ConfigError(
      `lambdas/align-cpu/dist holds onnxruntime binaries for another architecture than cpuArchitecture=${architecture}; ` +
        `run W2V2_LAMBDA_ARCH=${wanted} node tools/build-lambda.mjs (cdk/app.ts does it on synth)`,
    );
  }
}
