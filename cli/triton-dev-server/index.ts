/** The local Triton stand-in: KServe v2 over HTTPS backed by onnxruntime-node. */
export type { TritonFaults } from './dev-faults';
export { startTritonDevServer, type TritonDevServer, type TritonDevServerOptions } from './dev-server';
export { selfSignedTls, type TlsMaterial } from './tls-material';
