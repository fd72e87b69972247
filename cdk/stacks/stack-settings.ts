import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Node } from 'constructs';
import { closestName } from '../../shared/config/closest-name';
import { httpsUrl } from '../../shared/config/https-url';
import { ConfigError } from '../../shared/errors';
import { readModelSettings } from '../../shared/model/model-settings';
import { type ModelSize, modelSizeFromConfig } from '../constructs/cpu-sizing';

/** The repository root: relative paths in context (modelDir, tritonCaBundle) are read from here. */
const ROOT = join(__dirname, '..', '..');

/** The model both backends run when no modelDir is given: the bundled demo model. */
export const DEMO_MODEL_DIR = join(ROOT, 'models', 'demo-en');

/**
 * How the GPU branch reaches Triton: not at all (CPU only, the zero-flag default), an endpoint that already
 * exists, or one this stack runs.
 */
export type TritonSettings =
  | { kind: 'none' }
  | { kind: 'external'; url: string; model: string; caBundle: string | undefined }
  | {
      kind: 'service';
      model: string;
      caBundle: string | undefined;
      certificateArn: string;
      domainName: string;
      instanceType: string;
      scaleToZero: boolean;
      maxInstances: number;
      image: string;
    };

/** Every deploy-time choice of the stack, read from CDK context (`-c key=value` or cdk.json). */
export interface StackSettings {
  /** The CloudFormation stack name; two stacks of different names can live side by side in one region. */
  stackName: string;
  triton: TritonSettings;
  /** The model directory both backends serve (the CPU image bakes it in; Triton's repository is made from it). */
  modelDir: string;
  cpuArchitecture: 'x86_64' | 'arm64';
  cpuMemoryMb: number;
  cpuMaxConcurrency: number;
  rerunMaxConcurrency: number;
  rerunToleratedFailurePercent: number;
  alarmTopicArn: string | undefined;
}

/**
 * The Triton release the service runs. Pairing: Triton 25.06 is built on CUDA 12.9.1, which needs NVIDIA driver
 * R575 or newer (NVIDIA's Triton 25.06 release notes); the Amazon Linux 2023 ECS GPU-optimized AMI pins the R580
 * data-center driver (580.159.03 in its May 2026 release), so it runs this release with room to spare. A release
 * past CUDA 13.0 would need a newer driver than that AMI's: check its release notes before raising this.
 */
export const DEFAULT_TRITON_IMAGE = 'nvcr.io/nvidia/tritonserver:25.06-py3';

/** GPU instance families the Triton service accepts: one NVIDIA A10G (g5) or L4/L40S (g6, g6e) per instance. */
const GPU_INSTANCE = /^(g5|g6|g6e)\.[0-9]*x?large$/;

/** Context keys of the Triton service; setting one without the service is a mistake worth stopping for. */
const SERVICE_KEYS = [
  'tritonCertificateArn',
  'tritonDomainName',
  'tritonInstanceType',
  'tritonScaleToZero',
  'tritonMaxInstances',
  'tritonImage',
] as const;

/** Every context key the stack reads (docs/deploy.md lists them with their defaults). */
export const CONTEXT_KEYS = [
  'stackName',
  'modelDir',
  'tritonUrl',
  'tritonModel',
  'tritonCaBundle',
  ...SERVICE_KEYS,
  'cpuArchitecture',
  'cpuMemoryMb',
  'cpuMaxConcurrency',
  'rerunMaxConcurrency',
  'rerunToleratedFailurePercent',
  'alarmTopicArn',
] as const;

/** Reads and validates the stack's context; throws ConfigError (code CONFIG) naming the first bad key. */
export function readStackSettings(node: Node): StackSettings {
  const context = new ContextReader(node);
  context.refuseMisspelt();
  const stackName = context.string('stackName') ?? 'W2V2Align';
  // CloudFormation's rule; at most 64 characters keeps every name derived from it within AWS's limits.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(stackName)) {
    throw new ConfigError(
      `stackName must start with a letter and hold only letters, digits and "-" (at most 64), got "${stackName}"`,
    );
  }
  const triton = readTriton(context);
  const modelDir = readModelDir(context, triton.kind === 'service');
  const architecture = context.string('cpuArchitecture') ?? 'x86_64';
  if (architecture !== 'x86_64' && architecture !== 'arm64') {
    throw new ConfigError(`cpuArchitecture must be x86_64 or arm64, got "${architecture}"`);
  }
  const alarmTopicArn = context.string('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:/.test(alarmTopicArn)) {
    throw new ConfigError(`alarmTopicArn must be an SNS topic ARN (arn:aws:sns:...), got "${alarmTopicArn}"`);
  }
  return {
    stackName,
    triton,
    modelDir,
    cpuArchitecture: architecture,
    // Lambda's limits: 128 MB to 10 GB memory; reserved concurrency of an SQS source between 2 and 1000.
    cpuMemoryMb: context.integer('cpuMemoryMb', 10240, 1769, 10240),
    cpuMaxConcurrency: context.integer('cpuMaxConcurrency', 10, 2, 1000),
    rerunMaxConcurrency: context.integer('rerunMaxConcurrency', 20, 1, 1000),
    rerunToleratedFailurePercent: context.integer('rerunToleratedFailurePercent', 10, 0, 100),
    alarmTopicArn,
  };
}

function readTriton(context: ContextReader): TritonSettings {
  const tritonUrl = context.string('tritonUrl');
  const certificateArn = context.string('tritonCertificateArn');
  const domainName = context.string('tritonDomainName');
  if (tritonUrl !== undefined && (certificateArn !== undefined || domainName !== undefined)) {
    throw new ConfigError(
      'tritonUrl (an existing Triton endpoint) and tritonCertificateArn/tritonDomainName (the Triton service ' +
        'this stack runs) exclude each other; pass one or the other',
    );
  }
  if (tritonUrl === undefined && certificateArn === undefined && domainName === undefined) {
    const stray = SERVICE_KEYS.find((key) => context.string(key) !== undefined);
    if (stray !== undefined || context.string('tritonCaBundle') !== undefined) {
      throw new ConfigError(
        `${stray ?? 'tritonCaBundle'} configures the GPU branch, which is off; enable it with ` +
          '-c tritonUrl=https://<endpoint> or -c tritonCertificateArn=<ACM ARN> -c tritonDomainName=<name>',
      );
    }
    return { kind: 'none' };
  }
  const model = context.string('tritonModel') ?? 'w2v2';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(model)) {
    throw new ConfigError(
      `tritonModel must be letters, digits, "_", "." or "-" (at most 128), got "${model}"`,
    );
  }
  const caBundle = readCaBundle(context);
  if (tritonUrl !== undefined) {
    httpsUrl('tritonUrl', tritonUrl);
    const stray = SERVICE_KEYS.find((key) => context.string(key) !== undefined);
    if (stray !== undefined) {
      throw new ConfigError(
        `${stray} configures the Triton service, which tritonUrl replaces; drop one of them`,
      );
    }
    return { kind: 'external', url: tritonUrl.replace(/\/+$/, ''), model, caBundle };
  }
  if (certificateArn === undefined) {
    throw new ConfigError(
      'tritonCertificateArn is required with tritonDomainName: the ACM certificate ARN ' +
        "(arn:aws:acm:<region>:<account>:certificate/<id>) for that name, in the stack's region",
    );
  }
  if (domainName === undefined) {
    throw new ConfigError(
      'tritonDomainName is required with tritonCertificateArn: the DNS name on that certificate, e.g. ' +
        'triton.internal.example.com',
    );
  }
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    throw new ConfigError(
      `tritonCertificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "${certificateArn}"`,
    );
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    throw new ConfigError(
      `tritonDomainName must be a DNS name like triton.internal.example.com, got "${domainName}"`,
    );
  }
  const instanceType = context.string('tritonInstanceType') ?? 'g5.xlarge';
  if (!GPU_INSTANCE.test(instanceType)) {
    throw new ConfigError(
      `tritonInstanceType must be a g5, g6 or g6e instance type (e.g. g5.xlarge), got "${instanceType}"`,
    );
  }
  return {
    kind: 'service',
    model,
    caBundle,
    certificateArn,
    domainName,
    instanceType,
    scaleToZero: context.boolean('tritonScaleToZero', true),
    maxInstances: context.integer('tritonMaxInstances', 2, 1, 20),
    image: context.string('tritonImage') ?? DEFAULT_TRITON_IMAGE,
  };
}

function readCaBundle(context: ContextReader): string | undefined {
  const caBundle = context.string('tritonCaBundle');
  if (caBundle === undefined) return undefined;
  const path = resolve(ROOT, caBundle);
  if (!existsSync(path)) {
    throw new ConfigError(
      `tritonCaBundle must name a PEM file of the CA that signed the Triton certificate, got "${caBundle}" (not found)`,
    );
  }
  return path;
}

/**
 * The transformer of the model in `modelDir` (readStackSettings checked it), for the CPU Lambda's sizing;
 * undefined where its config.json does not say. A config the aligner could not read fails here with MODEL.
 */
export async function readModelSize(modelDir: string): Promise<ModelSize | undefined> {
  return modelSizeFromConfig((await readModelSettings(modelDir)).values);
}

/** The model directory: vocabulary and config always; the fp32 graph when Triton's repository is made from it. */
function readModelDir(context: ContextReader, needsFp32: boolean): string {
  const given = context.string('modelDir');
  const dir = given === undefined ? DEMO_MODEL_DIR : resolve(ROOT, given);
  const graphs = needsFp32 ? ['model.onnx'] : ['model.onnx', 'model.int8.onnx'];
  const missing = [
    ...['config.json', 'vocab.json'].filter((file) => !existsSync(join(dir, file))),
    ...(graphs.some((file) => existsSync(join(dir, file))) ? [] : [graphs.join(' or ')]),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      `modelDir must be a wav2vec2 CTC model directory (docs/model-directory.md); "${given ?? dir}" has no ` +
        `${missing.join(', ')}${needsFp32 ? ' (the Triton service serves the fp32 model.onnx)' : ''}`,
    );
  }
  return dir;
}

/** Context values arrive as strings from `-c` and as JSON values from cdk.json; both are accepted. */
class ContextReader {
  public constructor(private readonly node: Node) {}

  /**
   * A key that differs from one of ours only by case or a typo (`tritonurl`) would be ignored silently and
   * deploy another mode than asked for. Keys far from ours are left alone: CDK's own and other tools' keys.
   */
  public refuseMisspelt(): void {
    const known: readonly string[] = CONTEXT_KEYS;
    for (const key of Object.keys(this.node.getAllContext())) {
      if (known.includes(key)) continue;
      const meant = closestName(key, known);
      if (meant !== undefined) {
        throw new ConfigError(`unknown context key "${key}"; did you mean ${meant}?`);
      }
    }
  }

  public string(key: string): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string')
      throw new ConfigError(`${key} must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  }

  public boolean(key: string, fallback: boolean): boolean {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`);
  }

  public integer(key: string, fallback: number, min: number, max: number): number {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return fallback;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new ConfigError(
        `${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return parsed;
  }
}
