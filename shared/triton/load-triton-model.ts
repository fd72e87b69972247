import type { TritonAppConfig } from '../config/app-config';
import type { AcousticModel } from '../inference/acoustic-model';
import { loadModelSpec } from '../model/model-spec';
import { openTritonModel } from './triton-acoustic-model';
import { tritonModelOptions } from './triton-settings';

/** Connects to the configured Triton; the model directory gives the vocabulary and window geometry, Triton the graph. */
export async function loadTritonModel(config: TritonAppConfig, dir: string): Promise<AcousticModel> {
  const [spec, options] = await Promise.all([loadModelSpec(dir), tritonModelOptions(config)]);
  return openTritonModel(spec, options);
}
