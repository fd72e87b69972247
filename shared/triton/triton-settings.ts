import { readFile } from 'node:fs/promises';
import type { TritonAppConfig } from '../config/app-config';
import { ConfigError } from '../errors';
import type { TritonModelOptions } from './triton-acoustic-model';

/**
 * The Triton backend's options from the configuration (docs/configuration.md): TRITON_URL, TRITON_MODEL, the
 * transport settings, FP16 tensors for USE_FLOAT16 or USE_MIXED_PRECISION, and the CA bundle read from
 * TRITON_CA_BUNDLE.
 */
export async function tritonModelOptions(config: TritonAppConfig): Promise<TritonModelOptions> {
  const { caBundlePath, timeoutSec, retryMax, maxInFlight, batchWindows, binaryData } = config.triton;
  return {
    url: config.tritonUrl,
    modelName: config.tritonModel,
    timeoutMs: Math.round(timeoutSec * 1000),
    retryMax,
    maxInFlight,
    batchWindows,
    binaryData,
    float16: config.float16 || config.mixedPrecision,
    ca: caBundlePath === undefined ? undefined : await readCaBundle(caBundlePath),
  };
}

async function readCaBundle(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `TRITON_CA_BUNDLE "${path}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      `TRITON_CA_BUNDLE "${path}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return pem;
}
