/** The Triton (KServe v2) backend: HTTPS client, tensor codec and the acoustic model over it. */
export { decodeFloat16, encodeFloat16 } from './float16';
export {
  BYTES_PER_ELEMENT,
  encodeInferenceBody,
  type FloatDatatype,
  type FloatTensor,
  HEADER_LENGTH_HEADER,
  InferenceBodyError,
  readTensors,
  splitInferenceBody,
  tensorBytes,
} from './inference-protocol';
export { loadTritonModel } from './load-triton-model';
export { renderTritonModelConfig, type TritonModelConfigOptions } from './model-config';
export { openTritonModel, TritonAcousticModel, type TritonModelOptions } from './triton-acoustic-model';
export {
  type InferRequest,
  type InferResult,
  type ModelMetadata,
  type RequestedOutput,
  type TensorMetadata,
  TritonClient,
  type TritonClientOptions,
  type TritonClientStats,
} from './triton-client';
export { TritonModelError, TritonReplyError, TritonUnavailableError } from './triton-errors';
export {
  MAX_PROBE_MS,
  probeTritonReadiness,
  type ReadinessProbeOptions,
  type TritonReadiness,
} from './triton-readiness';
export { tritonModelOptions } from './triton-settings';
