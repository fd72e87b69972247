import type { Emissions } from '../align/emissions';
import type { ModelSpec } from '../model/model-spec';

/** What produces emissions from audio: the CPU ONNX model here, the Triton client elsewhere. */
export interface AcousticModel {
  readonly spec: ModelSpec;
  readonly backend: 'cpu' | 'triton';
  readonly quantized: boolean;
  /** Log-probabilities [frames, vocab] for mono audio at the model's sample rate. */
  logProbs(samples: Float32Array, onProgress?: (done: number, total: number) => void): Promise<Emissions>;
}
