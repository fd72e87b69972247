import { onnx } from 'onnx-proto';

/** The graph's declared input and output, as dimension values (numbers) or symbolic names (strings). */
export interface UnsqueezeGraphShape {
  input?: { name: string; dims: (number | string)[] };
  /** More float inputs the graph declares and never reads (as an attention mask would be). */
  extraInputs?: string[];
  output?: { name: string };
}

/**
 * An ONNX graph that appends an axis of 1 to its one input: `input_values` [batch, samples] -> `logits`
 * [batch, samples, 1] unless told otherwise. It loads and runs in onnxruntime but fits no model folder, so it
 * shows what is checked of a graph's interface and output.
 */
export function unsqueezeGraph(shape: UnsqueezeGraphShape = {}): Uint8Array {
  const input = shape.input ?? { name: 'input_values', dims: ['batch', 'samples'] };
  const output = shape.output?.name ?? 'logits';
  const graph: onnx.IGraphProto = {
    name: 'unsqueeze',
    input: [
      tensorInfo(input.name, input.dims),
      ...(shape.extraInputs ?? []).map((name) => tensorInfo(name, ['batch', 'samples'])),
    ],
    output: [tensorInfo(output, [...input.dims, 1])],
    initializer: [
      { name: 'axes', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [input.dims.length] },
    ],
    node: [{ name: 'unsqueeze', opType: 'Unsqueeze', input: [input.name, 'axes'], output: [output] }],
  };
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 14 }], graph }).finish();
}

function tensorInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
