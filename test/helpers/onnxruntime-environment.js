const { TestEnvironment } = require('jest-environment-node');

// onnxruntime-node allocates output tensors in Node's main realm, while onnxruntime-common, loaded inside jest's
// sandbox, checks them with `instanceof` against the sandbox's own typed-array constructors, which fails across
// realms ("A float32 tensor's data must be type of Float32Array"). Sharing the main realm's constructors fixes it.
const SHARED_CONSTRUCTORS = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

/** The node test environment with the main realm's typed arrays, for tests that run onnxruntime-node. */
class OnnxRuntimeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED_CONSTRUCTORS) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxRuntimeEnvironment;
