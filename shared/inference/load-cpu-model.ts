import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { resolveModelFile } from '../model/model-file';
import { loadModelSpec } from '../model/model-spec';
import type { AcousticModel } from './acoustic-model';
import { openOnnxModel } from './onnx-acoustic-model';

/** Opens the model directory's ONNX graph in onnxruntime-node (the int8 variant with W2V2_QUANTIZE). */
export async function loadCpuModel(config: AppConfig, dir: string): Promise<AcousticModel> {
  const spec = await loadModelSpec(dir);
  const file = await resolveModelFile(spec, {
    quantize: config.quantize,
    cacheDir: join(tmpdir(), 'w2v2-align-models'),
  });
  return openOnnxModel(spec, {
    modelPath: file.path,
    quantized: file.quantized,
  });
}
