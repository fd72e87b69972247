import type { AppConfig } from '../shared/config/app-config';
import type { AcousticModel } from '../shared/inference/acoustic-model';
import { openCpuModel } from '../shared/inference/load-cpu-model';
import type { ModelSpec } from '../shared/model/model-spec';
import { openConfiguredTritonModel } from '../shared/triton/load-triton-model';
import { TritonAcousticModel } from '../shared/triton/triton-acoustic-model';
import type { CliIo } from './cli-command';

/**
 * The CPU model, or the Triton one when USE_TRITON=true (the model directory still gives vocabulary and
 * geometry). `quantizeFlag` is the command's `--quantize`; W2V2_QUANTIZE applies as well. The configuration's
 * warnings (settings that do nothing) go to stderr first.
 */
export async function openCliModel(
  spec: ModelSpec,
  quantizeFlag: boolean,
  config: AppConfig,
  io: CliIo,
): Promise<AcousticModel> {
  // Opened once per command, so settings that do nothing are named once, before any work.
  for (const warning of config.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (config.useTriton) {
    if (quantizeFlag)
      io.stderr.write('warning: --quantize applies to the CPU backend; ignored with USE_TRITON=true\n');
    return openConfiguredTritonModel(spec, config);
  }
  return openCpuModel(spec, quantizeFlag || config.quantize, config.inferenceThreads);
}

/** Releases the Triton client's sockets so the command can exit; the CPU session stays cached for the process. */
export function closeCliModel(model: AcousticModel): void {
  if (model instanceof TritonAcousticModel) model.close();
}
