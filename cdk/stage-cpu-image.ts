import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs tools/build-lambda.mjs for the chosen architecture and model, so the CPU image's files (bundle,
 * pruned onnxruntime, int8 model) are fresh in lambdas/align-cpu/dist before synth stages that folder as an asset.
 */
export function stageCpuImage(architecture: 'x86_64' | 'arm64', modelDir: string): void {
  execFileSync(process.execPath, [join(__dirname, '..', 'tools', 'build-lambda.mjs')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      W2V2_LAMBDA_ARCH: architecture === 'arm64' ? 'arm64' : 'x64',
      W2V2_MODEL_DIR: modelDir,
    },
  });
}
