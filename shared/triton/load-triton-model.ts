import type { TritonAppConfig } from '../config/app-config';
import type { AcousticModel } from '../inference/acoustic-model';
import { loadModelSpec, type ModelSpec } from '../model/model-spec';
import { openTritonModel } from './triton-acoustic-model';
import { tritonModelOptions } from './triton-settings';

/** The one way the Triton backend is opened, for the Lambdas and the CLI alike: `spec` served by the configured Triton. */
export async function openConfiguredTritonModel(
  spec: ModelSpec,
  config: TritonAppConfig,
): Promise<AcousticModel> {
  return openTritonModel(spec, await tritonModelOptions(config));
}

/** Connects to the configured Triton; the model directory gives the vocabulary and window geometry, Triton the graph. */
export async function loadTritonModel(config: TritonAppConfig, dir: string): Promise<AcousticModel> {
  return openConfiguredTritonModel(await loadModelSpec(dir), config);
}
