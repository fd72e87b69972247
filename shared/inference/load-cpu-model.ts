import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { resolveModelFile } from '../model/model-file';
import { loadModelSpec } from '../model/model-spec';
import { type AcousticModel, openOnnxModel } from './onnx-acoustic-model';

/** Opens the model directory's ONNX graph in onnxruntime-node (int8 variant and precision as configured). */
export async function loadCpuModel(config: AppConfig, dir: string): Promise<AcousticModel> {
  const spec = await loadModelSpec(dir);
  const file = await resolveModelFile(spec, {
    quantize: config.quantize,
    cacheDir: join(tmpdir(), 'w2v2-align-models'),
  });
  return openOnnxModel(spec, {
    modelPath: file.path,
    quantized: file.quantized,
    cudaEmptyCache: config.cudaEmptyCache,
    mixedPrecision: config.mixedPrecision,
    float16: config.float16,
  });
}
