import { onnx } from 'onnx-proto';
import { intAttr } from './onnx-graph';
import { readFloatTensor } from './onnx-tensor';
import type { ConstantWeight, QuantizedNodeWriter } from './quantized-nodes';

/** A 1-D convolution `output = Conv(input, weight, bias)` that can run as one quantized MatMul. */
export interface ConvAsMatMulSpec {
  name: string;
  input: string;
  output: string;
  inChannels: number;
  kernel: number;
  stride: number;
  outChannels: number;
  /** Tap groups of `stride` taps each that the kernel spans: ceil(kernel / stride). */
  pieces: number;
  /**
   * [stride·inChannels, pieces·outChannels]: row r·inChannels + c, column q·outChannels + o holds
   * weight[o, c, q·stride + r], zero where q·stride + r is past the kernel.
   */
  weight: ConstantWeight;
  /** The bias tensor's name; none when absent. */
  bias?: string | undefined;
}

/**
 * Checks whether a Conv is a plain strided 1-D convolution (one group, no padding, no dilation) with constant
 * weights over more than one input channel, the shape of wav2vec2's feature-extractor layers 1-6.
 */
export function planConvAsMatMul(
  node: onnx.INodeProto,
  constants: ReadonlyMap<string, onnx.ITensorProto>,
): { ok: true; spec: ConvAsMatMulSpec } | { ok: false; reason: string } {
  const [input, weightName, bias] = node.input ?? [];
  const output = node.output?.[0];
  if (input === undefined || weightName === undefined || output === undefined) {
    return { ok: false, reason: 'Conv needs an input, a weight and an output' };
  }
  const tensor = constants.get(weightName);
  if (tensor === undefined) return { ok: false, reason: 'no constant weight' };
  const unsupported = unsupportedAttribute(node);
  if (unsupported !== undefined) return { ok: false, reason: unsupported };
  if (bias !== undefined && bias !== '' && !constants.has(bias))
    return { ok: false, reason: 'bias is not a constant' };
  const read = readFloatTensor(tensor);
  if (!read.ok) return read;
  if (read.dims.length !== 3)
    return { ok: false, reason: `weight has shape [${read.dims}], not a 1-D convolution` };
  const [outChannels, inChannels, kernel] = read.dims as [number, number, number];
  // The first layer reads the raw waveform: one channel, a few taps, and a per-tensor 8-bit scale would drown
  // quiet speech under the loudest sample.
  if (inChannels === 1) return { ok: false, reason: 'single input channel (raw waveform)' };
  const stride = strideOf(node) ?? 1;
  const values = read.data;
  const pieces = Math.ceil(kernel / stride);
  const rows = stride * inChannels;
  const cols = pieces * outChannels;
  return {
    ok: true,
    spec: {
      name: node.name ?? '',
      input,
      output,
      inChannels,
      outChannels,
      kernel,
      stride,
      pieces,
      weight: {
        source: weightName,
        key: `${weightName}|conv-blocks`,
        rows,
        cols,
        values: () => {
          const matrix = new Float32Array(rows * cols);
          for (let o = 0; o < outChannels; o++) {
            for (let c = 0; c < inChannels; c++) {
              for (let j = 0; j < kernel; j++) {
                const q = Math.floor(j / stride);
                const r = j - q * stride;
                matrix[(r * inChannels + c) * cols + q * outChannels + o] =
                  values[(o * inChannels + c) * kernel + j]!;
              }
            }
          }
          return matrix;
        },
      },
      // ONNX marks an omitted optional input with an empty name.
      bias: bias === '' ? undefined : bias,
    },
  };
}

/**
 * The convolution as one quantized MatMul over blocks of `stride` input frames, with no im2col copy. Output frame
 * t reads input frames stride·t + j (j < kernel); writing j = q·stride + r, block t + q of the time-major input,
 * reshaped to [B, T' + pieces - 1, stride·C], holds tap q·stride + r at columns r·C..(r + 1)·C. One MatMul with
 * the [stride·C, pieces·O] matrix of every block's taps (zero rows for taps past the kernel) gives, in column
 * block q, tap group q's contribution at row t + q, so output t is the sum over q of row t + q of block q. The
 * input is first padded (or cut) to exactly stride·(T' + pieces - 1) frames. Against an im2col this reads the
 * activation once and quantizes it once; the price is pieces·stride / kernel times the multiply-adds (4/3 for
 * wav2vec2's kernel 3, stride 2; none for its kernel 2, stride 2), which int8 pays at a quarter of fp32's cost.
 */
export function emitConvAsMatMul(writer: QuantizedNodeWriter, spec: ConvAsMatMulSpec): onnx.INodeProto[] {
  const { name, kernel, stride, inChannels, outChannels, pieces } = spec;
  const fresh = (suffix: string) => writer.uniqueName(`${spec.output}_${suffix}`);
  const constant = (suffix: string, values: number[]) => writer.addInt64(`${name}_${suffix}`, values);
  const node = (
    opType: string,
    input: string[],
    output: string[],
    attribute: onnx.IAttributeProto[] = [],
  ) => ({
    name: writer.uniqueName(`${name}_${opType.toLowerCase()}`),
    opType,
    input,
    output,
    attribute,
  });
  const timeMajor = fresh('time_major');
  const shape = fresh('shape');
  const length = fresh('length');
  const minusKernel = fresh('minus_kernel');
  const steps = fresh('steps');
  const frames = fresh('frames');
  const blocks = fresh('blocks');
  const needed = fresh('needed');
  const extra = fresh('extra');
  const pads = fresh('pads');
  const padded = fresh('padded');
  const grouped = fresh('blocks_matrix');
  const strideConst = constant('stride', [stride]);
  // T' = (T - kernel) / stride + 1 output frames read T' + pieces - 1 blocks; T is padded (or cut, with a negative
  // pad) to that many blocks' frames, which differs from T by less than one block.
  const nodes: onnx.INodeProto[] = [
    node('Transpose', [spec.input], [timeMajor], [ints('perm', [0, 2, 1])]),
    node('Shape', [timeMajor], [shape]),
    node('Gather', [shape, constant('time_index', [1])], [length], [intAttr('axis', 0)]),
    node('Sub', [length, constant('kernel', [kernel])], [minusKernel]),
    node('Div', [minusKernel, strideConst], [steps]),
    node('Add', [steps, constant('one', [1])], [frames]),
    node('Add', [frames, constant('more_blocks', [pieces - 1])], [blocks]),
    node('Mul', [blocks, strideConst], [needed]),
    node('Sub', [needed, length], [extra]),
    node(
      'Concat',
      [constant('no_pads', [0, 0, 0, 0]), extra, constant('no_pad', [0])],
      [pads],
      [intAttr('axis', 0)],
    ),
    node('Pad', [timeMajor, pads], [padded]),
    node('Reshape', [padded, constant('block_shape', [0, -1, stride * inChannels])], [grouped]),
  ];
  const product =
    pieces === 1 && spec.bias === undefined ? fresh('time_major_output') : fresh('block_products');
  nodes.push(...writer.emit({ name, input: grouped, output: product, weight: spec.weight }));
  let sum = product;
  if (pieces > 1) {
    const channelAxes = constant('row_column_axes', [1, 2]);
    const parts: string[] = [];
    for (let q = 0; q < pieces; q++) {
      const end = fresh(`rows_end_${q}`);
      const ends = fresh(`ends_${q}`);
      const part = fresh(`piece_${q}`);
      nodes.push(
        node('Add', [frames, constant(`row_offset_${q}`, [q])], [end]),
        node(
          'Concat',
          [end, constant(`column_end_${q}`, [(q + 1) * outChannels])],
          [ends],
          [intAttr('axis', 0)],
        ),
        node('Slice', [product, constant(`starts_${q}`, [q, q * outChannels]), ends, channelAxes], [part]),
      );
      parts.push(part);
    }
    sum = fresh('tap_sum');
    nodes.push(node('Sum', parts, [sum]));
  }
  if (spec.bias !== undefined) {
    const biased = fresh('biased');
    nodes.push(node('Add', [sum, spec.bias], [biased]));
    sum = biased;
  }
  nodes.push(node('Transpose', [sum], [spec.output], [ints('perm', [0, 2, 1])]));
  return nodes;
}

function unsupportedAttribute(node: onnx.INodeProto): string | undefined {
  for (const attribute of node.attribute ?? []) {
    const values = (attribute.ints ?? []).map(Number);
    switch (attribute.name) {
      case 'group':
        if (Number(attribute.i ?? 1) !== 1) return `grouped convolution (group=${Number(attribute.i)})`;
        break;
      case 'pads':
        if (values.some((v) => v !== 0)) return `padded convolution (pads=[${values}])`;
        break;
      case 'dilations':
        if (values.some((v) => v !== 1)) return `dilated convolution (dilations=[${values}])`;
        break;
      case 'auto_pad': {
        const mode = new TextDecoder().decode(attribute.s ?? new Uint8Array());
        if (mode !== '' && mode !== 'NOTSET' && mode !== 'VALID') return `auto_pad=${mode}`;
        break;
      }
      case 'strides':
        if (values.length !== 1) return `strides=[${values}] is not a 1-D convolution`;
        break;
      default:
        break;
    }
  }
  return undefined;
}

function strideOf(node: onnx.INodeProto): number | undefined {
  const strides = node.attribute?.find((a) => a.name === 'strides')?.ints;
  return strides && strides.length === 1 ? Number(strides[0]) : undefined;
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}
