import {
  amdahlRtf,
  cpuSizing,
  lambdaVcpus,
  MB_PER_VCPU,
  type Measured,
  minimumMemoryMb,
} from '../../cdk/constructs/cpu-sizing';

/**
 * What the CPU Lambda gives and costs per audio hour at each memory size, from the sizing bench's measurement:
 * the table of docs/deploy.md#cpu-lambda-sizing.
 */

/** Lambda's x86_64 duration price in us-east-1 (first pricing tier), dollars per GB-second. */
export const LAMBDA_X86_PRICE_PER_GB_SECOND = 0.0000166667;
/** Amazon Transcribe's list price per audio hour (standard batch), the yardstick of the cost target. */
export const TRANSCRIBE_PRICE_PER_HOUR = 1.44;
/** The CPU Lambda's batch size and timeout (cdk/constructs/cpu-align-function.ts), which the table sizes for. */
export const BATCH_SIZE = 4;
export const TIMEOUT_SEC = 900;

/** Lambda's largest memory size. */
const LAMBDA_MAX_MB = 10_240;
/** Lambda memory sizes at each whole vCPU count, and the largest. */
export const LAMBDA_SIZES: readonly number[] = [
  ...Array.from({ length: Math.floor(LAMBDA_MAX_MB / MB_PER_VCPU) }, (_, i) => (i + 1) * MB_PER_VCPU),
  LAMBDA_MAX_MB,
];

/** One memory size of the CPU Lambda, as the bench and the docs show it. */
export interface SizeCost {
  memoryMb: number;
  threads: number;
  rtf: number;
  /** Undefined below minimumMemoryMb, which the stack refuses. */
  largeFileThresholdSec: number | undefined;
  costPerAudioHour: number;
}

/** Lambda's x86 duration charge for one audio hour aligned at `rtf` wall seconds per audio second, in dollars. */
export function costPerAudioHour(memoryMb: number, rtf: number): number {
  return 3600 * rtf * (memoryMb / 1024) * LAMBDA_X86_PRICE_PER_GB_SECOND;
}

/** Each of LAMBDA_SIZES for a base-sized model that runs as `measured`. */
export function sizeCosts(measured: Measured): SizeCost[] {
  const least = minimumMemoryMb(BATCH_SIZE, measured);
  return LAMBDA_SIZES.map((memoryMb) => {
    const threads = lambdaVcpus(memoryMb);
    const rtf = amdahlRtf(measured, threads);
    return {
      memoryMb,
      threads,
      rtf,
      largeFileThresholdSec:
        memoryMb < least
          ? undefined
          : cpuSizing({ memoryMb, timeoutSec: TIMEOUT_SEC, batchSize: BATCH_SIZE, measured })
              .largeFileThresholdSec,
      costPerAudioHour: costPerAudioHour(memoryMb, rtf),
    };
  });
}
