import type { CpuInt8Support } from '../../inference/cpu-int8-support';
import type { QuantizeOptions } from './quantize-dynamic';

/** The int8 graphs a model directory or the quantizer can hold, one per kind of CPU. */
export type Int8VariantName = 'portable' | 'dot-product';

/** One int8 graph: how it is quantized and the file name it has in a model directory. */
export interface Int8Variant {
  name: Int8VariantName;
  file: string;
  options: QuantizeOptions;
}

/**
 * The variants (docs/model-directory.md#the-int8-copy). `portable` runs correctly on every x86 and Arm CPU: 7-bit
 * weights, because without a fused 8-bit dot product ONNX Runtime adds pairs of u8×s8 products in saturating
 * int16, and the convolutional front-end in fp32. `dot-product` is for CPUs with VNNI or AMX, where the dot
 * product accumulates in int32 and cannot saturate: full 8-bit weights (measured on the demo model: argmax
 * agreement with fp32 99.90% against 99.71% in 7 bits, no word boundary moved) and feature-extractor layers 1-6
 * as int8 MatMuls, which on wav2vec2-base are a third of the multiply-adds and, left in fp32, half of int8's time.
 */
export const INT8_VARIANTS: Readonly<Record<Int8VariantName, Int8Variant>> = {
  portable: { name: 'portable', file: 'model.int8.onnx', options: {} },
  'dot-product': {
    name: 'dot-product',
    file: 'model.int8-dot.onnx',
    options: { reduceRange: false, convolutions: true },
  },
};

/** The variant that pays on this CPU: `dot-product` with a fused int8 dot product (VNNI, AMX), else `portable`. */
export function int8VariantFor(cpu: CpuInt8Support): Int8Variant {
  return cpu.dotProducts.length > 0 ? INT8_VARIANTS['dot-product'] : INT8_VARIANTS.portable;
}
