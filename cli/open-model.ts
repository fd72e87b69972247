import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../shared/config/app-config';
import { type AcousticModel, openOnnxModel } from '../shared/inference/onnx-acoustic-model';
import { resolveModelFile } from '../shared/model/model-file';
import type { ModelSpec } from '../shared/model/model-spec';
import { openTritonModel, TritonAcousticModel } from '../shared/triton/triton-acoustic-model';
import { tritonModelOptions } from '../shared/triton/triton-settings';
import type { CliIo } from './cli-command';

/**
 * The CPU model, or the Triton one when USE_TRITON=true (the model directory still gives vocabulary and
 * geometry). `quantizeFlag` is the command's `--quantize`; W2V2_QUANTIZE applies as well.
 */
export async function openCliModel(
  spec: ModelSpec,
  quantizeFlag: boolean,
  config: AppConfig,
  io: CliIo,
): Promise<AcousticModel> {
  if (config.useTriton) {
    if (quantizeFlag)
      io.stderr.write('warning: --quantize applies to the CPU backend; ignored with USE_TRITON=true\n');
    return openTritonModel(spec, await tritonModelOptions(config));
  }
  const modelFile = await resolveModelFile(spec, {
    quantize: quantizeFlag || config.quantize,
    cacheDir: join(tmpdir(), 'w2v2-align-models'),
  });
  const model = await openOnnxModel(spec, {
    modelPath: modelFile.path,
    quantized: modelFile.quantized,
    cudaEmptyCache: config.cudaEmptyCache,
    mixedPrecision: config.mixedPrecision,
    float16: config.float16,
  });
  for (const warning of model.warnings) io.stderr.write(`warning: ${warning}\n`);
  return model;
}

/** Releases the Triton client's sockets so the command can exit; the CPU session stays cached for the process. */
export function closeCliModel(model: AcousticModel): void {
  if (model instanceof TritonAcousticModel) model.close();
}
