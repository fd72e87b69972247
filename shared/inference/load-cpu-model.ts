import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { resolveModelFile } from '../model/model-file';
import { loadModelSpec, type ModelSpec } from '../model/model-spec';
import type { AcousticModel } from './acoustic-model';
import { openOnnxModel } from './onnx-acoustic-model';

/**
 * The one way the CPU backend is opened, for the Lambdas and the CLI alike: the fp32 graph, or its int8 copy
 * when `quantize` (shipped as model.int8.onnx, else quantized once and cached), in onnxruntime-node.
 */
export async function openCpuModel(
  spec: ModelSpec,
  quantize: boolean,
  threads?: number | undefined,
): Promise<AcousticModel> {
  const file = await resolveModelFile(spec, { quantize, cacheDir: join(tmpdir(), 'w2v2-align-models') });
  return openOnnxModel(spec, { modelPath: file.path, quantized: file.quantized, threads });
}

/** Opens the model directory's ONNX graph as configured (the int8 variant with W2V2_QUANTIZE). */
export async function loadCpuModel(config: AppConfig, dir: string): Promise<AcousticModel> {
  return openCpuModel(await loadModelSpec(dir), config.quantize, config.inferenceThreads);
}
