import { onnx } from 'onnx-proto';
import { InternalError } from '../../errors';
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
  /** [kernel·inChannels, outChannels]: row j·inChannels + c holds weight[:, c, j]. */
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
  const rows = kernel * inChannels;
  return {
    ok: true,
    spec: {
      name: node.name ?? '',
      input,
      output,
      inChannels,
      kernel,
      stride,
      weight: {
        source: weightName,
        key: `${weightName}|conv`,
        rows,
        cols: outChannels,
        values: () => {
          const matrix = new Float32Array(rows * outChannels);
          for (let o = 0; o < outChannels; o++) {
            for (let c = 0; c < inChannels; c++) {
              for (let j = 0; j < kernel; j++) {
                matrix[(j * inChannels + c) * outChannels + o] = values[(o * inChannels + c) * kernel + j]!;
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
 * The convolution as a time-major im2col built from slices and reshapes, then one quantized MatMul. Output frame
 * t reads input frames stride·t + j (j < kernel); writing j = q·stride + r, the q-th slice of the input, reshaped
 * to [B, T', stride·C], holds every r at once, so ceil(kernel/stride) slices concatenated along channels give the
 * [B, T', kernel·C] matrix without a gather. A last slice with a single tap is a strided slice (wav2vec2's
 * kernel 3, stride 2); one with several but fewer than `stride` taps reads a zero-padded input and drops the
 * columns that would reach the padding.
 */
export function emitConvAsMatMul(writer: QuantizedNodeWriter, spec: ConvAsMatMulSpec): onnx.INodeProto[] {
  const { name, kernel, stride, inChannels } = spec;
  const pieces = Math.ceil(kernel / stride);
  const lastTaps = kernel - (pieces - 1) * stride;
  const padding = lastTaps > 1 && lastTaps < stride ? stride - lastTaps : 0;
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
  const nodes: onnx.INodeProto[] = [];
  const timeMajor = fresh('time_major');
  nodes.push(node('Transpose', [spec.input], [timeMajor], [ints('perm', [0, 2, 1])]));
  let padded = timeMajor;
  if (padding > 0) {
    padded = fresh('padded');
    nodes.push(node('Pad', [timeMajor, constant('pads', [0, 0, 0, 0, padding, 0])], [padded]));
  }
  // T' = (T - kernel) / stride + 1 output frames; each slice spans stride·T' input frames.
  const [shape, length, minusKernel, steps, frames, span] = [
    'shape',
    'length',
    'minus_kernel',
    'steps',
    'frames',
    'span',
  ].map(fresh) as [string, string, string, string, string, string];
  const strideConst = constant('stride', [stride]);
  nodes.push(
    node('Shape', [timeMajor], [shape]),
    node('Gather', [shape, constant('time_index', [1])], [length], [intAttr('axis', 0)]),
    node('Sub', [length, constant('kernel', [kernel])], [minusKernel]),
    node('Div', [minusKernel, strideConst], [steps]),
    node('Add', [steps, constant('one', [1])], [frames]),
    node('Mul', [frames, strideConst], [span]),
  );
  const timeAxis = constant('time_axis', [1]);
  const columns: string[] = [];
  for (let q = 0; q < pieces; q++) {
    let end = span;
    if (q > 0) {
      end = fresh(`end_${q}`);
      nodes.push(node('Add', [span, constant(`offset_${q}`, [q * stride])], [end]));
    }
    const start = constant(`start_${q}`, [q * stride]);
    const taps = Math.min(stride, kernel - q * stride);
    const slice = fresh(`slice_${q}`);
    if (taps === 1 && stride > 1) {
      nodes.push(node('Slice', [padded, start, end, timeAxis, strideConst], [slice]));
      columns.push(slice);
      continue;
    }
    const rows = fresh(`rows_${q}`);
    nodes.push(
      node('Slice', [padded, start, end, timeAxis], [slice]),
      node('Reshape', [slice, constant(`row_shape_${q}`, [0, -1, stride * inChannels])], [rows]),
    );
    if (taps === stride) {
      columns.push(rows);
      continue;
    }
    const kept = fresh(`taps_${q}`);
    const channelRange = [constant(`zero_${q}`, [0]), constant(`taps_${q}`, [taps * inChannels])];
    nodes.push(node('Slice', [rows, ...channelRange, constant(`channel_axis_${q}`, [2])], [kept]));
    columns.push(kept);
  }
  let [matrix] = columns;
  if (matrix === undefined) throw new InternalError(`convolution ${name} was cut into no column slices`);
  if (columns.length > 1) {
    matrix = fresh('im2col');
    nodes.push(node('Concat', columns, [matrix], [intAttr('axis', 2)]));
  }
  const product = fresh('time_major_output');
  nodes.push(
    ...writer.emit({
      name,
      input: matrix,
      output: product,
      weight: spec.weight,
      bias: spec.bias,
    }),
    node('Transpose', [product], [spec.output], [ints('perm', [0, 2, 1])]),
  );
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
