import type { AcousticModel } from '../../shared/inference/acoustic-model';
import { openOnnxModel } from '../../shared/inference/onnx-acoustic-model';
import { bundledModelDir } from '../../shared/model/bundled-model';
import { loadModelSpec } from '../../shared/model/model-spec';

/** The bundled demo model (fp32): real inference, fast enough for hundreds of activities. */
export async function openDemoModel(): Promise<AcousticModel> {
  const spec = await loadModelSpec(bundledModelDir(__dirname));
  return openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
}
