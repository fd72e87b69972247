import { existsSync } from 'node:fs';
import type { Node } from 'constructs';
import { ConfigError } from '../../shared/config/settings-source';

/** How the GPU branch reaches Triton: an endpoint that already exists, or one this stack runs. */
export type TritonSettings =
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
  triton: TritonSettings;
  cpuArchitecture: 'x86_64' | 'arm64';
  cpuMemoryMb: number;
  cpuMaxConcurrency: number;
  rerunMaxConcurrency: number;
  rerunToleratedFailurePercent: number;
  alarmTopicArn: string | undefined;
}

/** The Triton release the service runs; its CUDA needs the ECS GPU AMI's driver (forward compatible on g5/g6). */
export const DEFAULT_TRITON_IMAGE = 'nvcr.io/nvidia/tritonserver:25.01-py3';

/** GPU instance families the Triton service accepts: one NVIDIA A10G (g5) or L4/L40S (g6, g6e) per instance. */
const GPU_INSTANCE = /^(g5|g6|g6e)\.[0-9]*x?large$/;

/** Reads and validates the stack's context; throws ConfigError (code CONFIG) naming the first bad key. */
export function readStackSettings(node: Node): StackSettings {
  const context = new ContextReader(node);
  const model = context.string('tritonModel') ?? 'w2v2';
  const caBundle = context.string('tritonCaBundle');
  if (caBundle !== undefined && !existsSync(caBundle)) {
    throw new ConfigError(
      `tritonCaBundle must name a PEM file of the CA that signed the Triton certificate, got "${caBundle}" (not found)`,
    );
  }
  const tritonUrl = context.string('tritonUrl');
  let triton: TritonSettings;
  if (tritonUrl !== undefined) {
    if (!tritonUrl.startsWith('https://') || !URL.canParse(tritonUrl)) {
      throw new ConfigError(`tritonUrl must be an https:// URL of a Triton server, got "${tritonUrl}"`);
    }
    triton = { kind: 'external', url: tritonUrl.replace(/\/+$/, ''), model, caBundle };
  } else {
    const certificateArn = context.string('certificateArn');
    const domainName = context.string('tritonDomainName');
    if (certificateArn === undefined || domainName === undefined) {
      throw new ConfigError(
        'the Triton service needs -c certificateArn=arn:aws:acm:<region>:<account>:certificate/<id> and ' +
          '-c tritonDomainName=<the name on that certificate, e.g. triton.internal.example.com>; ' +
          'or pass -c tritonUrl=https://<an existing Triton endpoint> instead',
      );
    }
    if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
      throw new ConfigError(
        `certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "${certificateArn}"`,
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
    triton = {
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
  const architecture = context.string('cpuArchitecture') ?? 'x86_64';
  if (architecture !== 'x86_64' && architecture !== 'arm64') {
    throw new ConfigError(`cpuArchitecture must be x86_64 or arm64, got "${architecture}"`);
  }
  const alarmTopicArn = context.string('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:/.test(alarmTopicArn)) {
    throw new ConfigError(`alarmTopicArn must be an SNS topic ARN (arn:aws:sns:...), got "${alarmTopicArn}"`);
  }
  return {
    triton,
    cpuArchitecture: architecture,
    // Lambda's limits: 128 MB to 10 GB memory; reserved concurrency of an SQS source between 2 and 1000.
    cpuMemoryMb: context.integer('cpuMemoryMb', 10240, 1769, 10240),
    cpuMaxConcurrency: context.integer('cpuMaxConcurrency', 10, 2, 1000),
    rerunMaxConcurrency: context.integer('rerunMaxConcurrency', 20, 1, 1000),
    rerunToleratedFailurePercent: context.integer('rerunToleratedFailurePercent', 10, 0, 100),
    alarmTopicArn,
  };
}

/** Context values arrive as strings from `-c` and as JSON values from cdk.json; both are accepted. */
class ContextReader {
  public constructor(private readonly node: Node) {}

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
