import type { onnx } from 'onnx-proto';
import { AlignError } from '../../errors';
import { emitConvAsMatMul, planConvAsMatMul } from './conv-as-matmul';
import { transposeMatrix } from './int8-weights';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  ensureOpsetImport,
  floatAttribute,
  importedOpset,
  intAttribute,
  MICROSOFT_DOMAIN,
  namesReadBy,
} from './onnx-graph';
import { readFloatTensor, tensorDims } from './onnx-tensor';
import {
  type ActivationScales,
  type ConstantWeight,
  type QuantizedMatMulSpec,
  QuantizedNodeWriter,
  type QuantizeForm,
  type WeightEncoding,
} from './quantized-nodes';

export type { ActivationScales, QuantizeForm } from './quantized-nodes';

const DEFAULT_MIN_COLUMNS = 128;

/** How `quantizeModel` rewrites the graph. */
export interface QuantizeOptions {
  /**
   * 'per-row' (default): each activation row (time step) gets its own scale, computed at run time
   * (ReduceMax/ReduceMin, per-axis QuantizeLinear, then an integer MatMul). 'per-tensor': one scale for the whole
   * activation, as ONNX Runtime's own dynamic quantization does; then a loud passage sets the step for a quiet one.
   * Measured on wav2vec2-base with speech, per-row kept the fp32 argmax on 98.1% of frames, per-tensor on 95.9%,
   * at the same speed.
   */
  activations?: ActivationScales;
  /**
   * Operators: 'fused' (default) uses ONNX Runtime's contrib ops, `com.microsoft.MatMulIntegerToFloat` for
   * per-row scales and `DynamicQuantizeMatMul` (bias folded in) for per-tensor ones; 'integer' uses standard ONNX
   * ops only (MatMulInteger + Cast + Mul, with DynamicQuantizeLinear for per-tensor scales), for other runtimes.
   * ONNX Runtime fuses the per-tensor integer form itself, but not the per-row one, which then runs ~10% slower.
   */
  form?: QuantizeForm;
  /**
   * 'int8' (default): symmetric, per output channel. 'uint8': asymmetric per output channel; ONNX Runtime then
   * multiplies u8×u8 in 16-bit lanes, slower on x86 but never saturating, so all 8 bits carry precision.
   */
  weightType?: 'int8' | 'uint8';
  /**
   * int8 weights in 7 bits (±63) instead of 8 (default true). On x86 CPUs without VNNI (AVX2 only), ONNX Runtime's
   * u8×s8 kernel adds pairs of products in saturating int16, which full-range weights overflow: measured on
   * wav2vec2-base with speech on such a CPU, full range kept the fp32 argmax on 68% of frames, 7 bits on 98%.
   */
  reduceRange?: boolean;
  /**
   * Also run plain strided 1-D convolutions with more than one input channel (wav2vec2's feature-extractor
   * layers 1-6) as quantized MatMuls over blocks of `stride` frames (default false).
   */
  convolutions?: boolean;
  /**
   * MatMul/Gemm weights with fewer output columns stay float32 (default 128). That is the vocabulary-sized CTC
   * classifier: negligible work, and its int8 error lands directly in the logits (on wav2vec2-base with speech,
   * keeping it float raised argmax agreement from 97.1% to 97.9%).
   */
  minColumns?: number | undefined;
  /** Node names to keep in float32. */
  excludeNodes?: readonly string[];
}

/** A MatMul/Gemm (or, with `convolutions`, a Conv) left in float32, and why. */
export interface SkippedNode {
  node: string;
  opType: string;
  reason: string;
}

/** What `quantizeModel` did. */
export interface QuantizeReport {
  activations: ActivationScales;
  form: QuantizeForm;
  rewritten: { matMul: number; gemm: number; conv: number };
  /** Distinct float weights replaced by int8 (a weight shared by several nodes counts once). */
  weightsQuantized: number;
  /** `Add(bias)` nodes folded into the quantized node ('fused' form). */
  biasesFolded: number;
  skipped: SkippedNode[];
  bytesBefore: number;
  bytesAfter: number;
}

/** Quantizes an fp32 ONNX model's MatMul/Gemm weights to int8 with dynamic activation quantization. */
export function quantizeModel(
  model: Uint8Array,
  options: QuantizeOptions = {},
): { model: Uint8Array; report: QuantizeReport } {
  const activations = options.activations ?? 'per-row';
  if (activations !== 'per-row' && activations !== 'per-tensor') {
    throw new AlignError(
      'INVALID_INPUT',
      `activation scales must be "per-row" or "per-tensor", got "${String(activations)}"`,
    );
  }
  const form = options.form ?? 'fused';
  if (form !== 'fused' && form !== 'integer') {
    throw new AlignError(
      'INVALID_INPUT',
      `quantization form must be "fused" or "integer", got "${String(form)}"`,
    );
  }
  const minColumns = options.minColumns ?? DEFAULT_MIN_COLUMNS;
  if (!Number.isInteger(minColumns) || minColumns < 0) {
    throw new AlignError('INVALID_INPUT', `minColumns must be a whole number, got ${minColumns}`);
  }
  const proto = decodeOnnxModel(model);
  const { graph } = proto;
  const defaultOpset = importedOpset(proto, '') ?? 0;
  if (defaultOpset < 13 && !(activations === 'per-tensor' && form === 'fused')) {
    throw new AlignError(
      'MODEL',
      `quantizing with standard ONNX operators needs opset 13 or later (per-axis QuantizeLinear, ` +
        `DynamicQuantizeLinear); this model imports opset ${defaultOpset}`,
    );
  }
  const convolutions = options.convolutions === true;
  if (convolutions && defaultOpset < 11) {
    throw new AlignError(
      'MODEL',
      `quantizing convolutions needs ONNX opset 11 or later (Pad and Slice with tensor inputs); ` +
        `this model imports opset ${defaultOpset}`,
    );
  }
  const rewrite = rewriteGraph(graph, {
    activations,
    form,
    convolutions,
    encoding:
      options.weightType === 'uint8'
        ? { type: 'uint8' }
        : { type: 'int8', maxLevel: options.reduceRange === false ? 127 : 63 },
    exclude: new Set(options.excludeNodes ?? []),
    minColumns,
    opset: defaultOpset,
  });
  const { matMul, gemm, conv } = rewrite.rewritten;
  if (matMul + gemm + conv > 0 && form === 'fused') {
    ensureOpsetImport(proto, MICROSOFT_DOMAIN, 1);
  }
  const bytes = encodeOnnxModel(proto);
  return {
    model: bytes,
    report: {
      activations,
      form,
      rewritten: rewrite.rewritten,
      weightsQuantized: rewrite.weightsQuantized,
      biasesFolded: rewrite.biasesFolded,
      skipped: rewrite.skipped,
      bytesBefore: model.length,
      bytesAfter: bytes.length,
    },
  };
}

interface RewriteSettings {
  activations: ActivationScales;
  form: QuantizeForm;
  convolutions: boolean;
  encoding: WeightEncoding;
  exclude: ReadonlySet<string>;
  minColumns: number;
  opset: number;
}

interface RewriteOutcome {
  rewritten: { matMul: number; gemm: number; conv: number };
  weightsQuantized: number;
  biasesFolded: number;
  skipped: SkippedNode[];
}

/** Rewrites the top-level graph in place; subgraphs (If/Loop bodies) are left as they are. */
function rewriteGraph(graph: onnx.IGraphProto, settings: RewriteSettings): RewriteOutcome {
  const constants = constantTensors(graph);
  const readers = readersByName(graph);
  const readBefore = new Set(readers.keys());
  const writer = new QuantizedNodeWriter(
    graph,
    settings.activations,
    settings.form,
    settings.encoding,
    settings.opset,
  );
  const outcome: RewriteOutcome = {
    rewritten: { matMul: 0, gemm: 0, conv: 0 },
    weightsQuantized: 0,
    biasesFolded: 0,
    skipped: [],
  };
  const folded = new Set<onnx.INodeProto>();
  const nodes: onnx.INodeProto[] = [];
  for (const node of graph.node ?? []) {
    if (folded.has(node)) continue;
    const opType = node.opType ?? '';
    if (opType === 'Conv' && settings.convolutions && (node.domain ?? '') === '') {
      const conv = settings.exclude.has(node.name ?? '')
        ? { ok: false as const, reason: 'excluded by option' }
        : planConvAsMatMul(node, constants);
      if (conv.ok) {
        nodes.push(...emitConvAsMatMul(writer, conv.spec));
        outcome.rewritten.conv++;
      } else {
        outcome.skipped.push({ node: node.name ?? '', opType, reason: conv.reason });
        nodes.push(node);
      }
      continue;
    }
    if ((opType !== 'MatMul' && opType !== 'Gemm') || (node.domain ?? '') !== '') {
      nodes.push(node);
      continue;
    }
    const plan = settings.exclude.has(node.name ?? '')
      ? skip('excluded by option')
      : opType === 'MatMul'
        ? planMatMul(node, constants, readers, settings)
        : planGemm(node, constants, settings);
    if (!plan.ok) {
      outcome.skipped.push({ node: node.name ?? '', opType, reason: plan.reason });
      nodes.push(node);
      continue;
    }
    nodes.push(...writer.emit(plan.spec));
    if (plan.foldedAdd !== undefined) {
      folded.add(plan.foldedAdd);
      outcome.biasesFolded++;
    }
    if (opType === 'MatMul') outcome.rewritten.matMul++;
    else outcome.rewritten.gemm++;
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []), ...writer.newInitializers()];
  dropUnreadConstants(graph, readBefore);
  outcome.weightsQuantized = writer.quantizedWeightCount();
  return outcome;
}

type Plan =
  | { ok: true; spec: QuantizedMatMulSpec; foldedAdd?: onnx.INodeProto | undefined }
  | { ok: false; reason: string };

function skip(reason: string): Plan {
  return { ok: false, reason };
}

function planMatMul(
  node: onnx.INodeProto,
  constants: ReadonlyMap<string, onnx.ITensorProto>,
  readers: ReadonlyMap<string, onnx.INodeProto[]>,
  settings: RewriteSettings,
): Plan {
  const [a, b] = node.input ?? [];
  const out = node.output?.[0];
  if (a === undefined || b === undefined || out === undefined)
    return skip('MatMul needs two inputs and an output');
  const tensor = constants.get(b);
  if (tensor === undefined) {
    return skip(
      constants.has(a) ? 'weight is the first input (W·X); only X·W is rewritten' : 'no constant weight',
    );
  }
  const weight = matrixWeight(b, tensor, false);
  if (!weight.ok) return weight;
  const n = weight.weight.cols;
  if (n < settings.minColumns) return skip(narrowReason(n, settings.minColumns));
  const folds = settings.activations === 'per-tensor' && settings.form === 'fused';
  const bias = folds ? foldableBias(out, n, constants, readers) : undefined;
  return {
    ok: true,
    spec: {
      name: node.name ?? '',
      input: a,
      output: bias?.add.output?.[0] ?? out,
      weight: weight.weight,
      bias: bias?.name,
    },
    foldedAdd: bias?.add,
  };
}

function planGemm(
  node: onnx.INodeProto,
  constants: ReadonlyMap<string, onnx.ITensorProto>,
  settings: RewriteSettings,
): Plan {
  const [a, b, c] = node.input ?? [];
  const out = node.output?.[0];
  if (a === undefined || b === undefined || out === undefined)
    return skip('Gemm needs inputs A, B and an output');
  if (intAttribute(node, 'transA', 0) !== 0) return skip('transA=1 is not rewritten');
  const tensor = constants.get(b);
  if (tensor === undefined) return skip('no constant weight');
  const alpha = floatAttribute(node, 'alpha', 1);
  const beta = floatAttribute(node, 'beta', 1);
  const weight = matrixWeight(b, tensor, intAttribute(node, 'transB', 0) !== 0, alpha);
  if (!weight.ok) return weight;
  const n = weight.weight.cols;
  if (n < settings.minColumns) return skip(narrowReason(n, settings.minColumns));
  let bias: Float32Array | undefined;
  if (c !== undefined && c !== '') {
    const biasTensor = constants.get(c);
    if (biasTensor === undefined) return skip('bias C is not a constant');
    const read = readFloatTensor(biasTensor);
    if (!read.ok) return skip(`bias C: ${read.reason}`);
    const perColumn = read.data.length === n && read.dims.filter((d) => d !== 1).length <= 1;
    if (!perColumn && read.data.length !== 1) {
      return skip(`bias C of shape [${read.dims}] is not a scalar or a vector of the ${n} output columns`);
    }
    bias = Float32Array.from({ length: n }, (_, i) => beta * read.data[perColumn ? i : 0]!);
  }
  return {
    ok: true,
    spec: { name: node.name ?? '', input: a, output: out, weight: weight.weight, bias },
  };
}

function narrowReason(columns: number, minColumns: number): string {
  return `only ${columns} output columns (fewer than ${minColumns}): little work to save, and the error would reach the logits`;
}

/** The weight of `X·W` as a [K, N] matrix (transposed from [N, K] for Gemm transB), with alpha folded in. */
function matrixWeight(
  name: string,
  tensor: onnx.ITensorProto,
  transposed: boolean,
  alpha = 1,
): { ok: true; weight: ConstantWeight } | { ok: false; reason: string } {
  const read = readFloatTensor(tensor);
  if (!read.ok) return read;
  if (read.dims.length !== 2)
    return { ok: false, reason: `weight has shape [${read.dims}], not a 2-D matrix` };
  if (!read.data.every(Number.isFinite)) return { ok: false, reason: 'weight has NaN or infinite values' };
  const [rows, cols] = read.dims as [number, number];
  const values = transposed ? transposeMatrix(read.data, rows, cols) : read.data;
  return {
    ok: true,
    weight: {
      source: name,
      key: `${name}|${transposed ? 'T' : 'N'}|${alpha}`,
      rows: transposed ? cols : rows,
      cols: transposed ? rows : cols,
      values: () => (alpha === 1 ? values : values.map((v) => v * alpha)),
    },
  };
}

/** The constant bias of `Add(MatMul(X, W), bias)` when the Add is the MatMul's only reader and adds per column. */
function foldableBias(
  matMulOutput: string,
  n: number,
  constants: ReadonlyMap<string, onnx.ITensorProto>,
  readers: ReadonlyMap<string, onnx.INodeProto[]>,
): { add: onnx.INodeProto; name: string } | undefined {
  const consumers = readers.get(matMulOutput) ?? [];
  const add = consumers[0];
  if (consumers.length !== 1 || add === undefined || add.opType !== 'Add' || (add.domain ?? '') !== '')
    return undefined;
  const inputs = add.input ?? [];
  if (inputs.length !== 2 || (add.output ?? []).length !== 1) return undefined;
  const biasName = inputs[0] === matMulOutput ? inputs[1] : inputs[0];
  if (biasName === undefined || biasName === matMulOutput) return undefined;
  const tensor = constants.get(biasName);
  if (tensor === undefined || tensor.dataType !== 1) return undefined;
  // Only a plain [N] vector broadcasts exactly like DynamicQuantizeMatMul's bias input.
  const dims = tensorDims(tensor);
  if (dims.length !== 1 || dims[0] !== n) return undefined;
  return { add, name: biasName };
}

/** Initializers and Constant-node values, by the name the graph reads them under. */
function constantTensors(graph: onnx.IGraphProto): Map<string, onnx.ITensorProto> {
  const overridable = new Set((graph.input ?? []).map((input) => input.name ?? ''));
  const constants = new Map<string, onnx.ITensorProto>();
  for (const tensor of graph.initializer ?? []) {
    // An initializer that is also a graph input is a default the caller may override: not a constant.
    if (tensor.name && !overridable.has(tensor.name)) constants.set(tensor.name, tensor);
  }
  for (const node of graph.node ?? []) {
    const value = node.attribute?.find((a) => a.name === 'value')?.t;
    const out = node.output?.[0];
    if (node.opType === 'Constant' && (node.domain ?? '') === '' && value && out) constants.set(out, value);
  }
  return constants;
}

/** Which nodes read each tensor name (graph outputs are marked by a reader-less placeholder). */
function readersByName(graph: onnx.IGraphProto): Map<string, onnx.INodeProto[]> {
  const readers = new Map<string, onnx.INodeProto[]>();
  const add = (name: string, node: onnx.INodeProto) => {
    const list = readers.get(name);
    if (list === undefined) readers.set(name, [node]);
    else list.push(node);
  };
  for (const node of graph.node ?? []) for (const name of new Set(namesReadBy(node))) add(name, node);
  for (const output of graph.output ?? []) add(output.name ?? '', { opType: '(graph output)' });
  return readers;
}

/**
 * Removes constants (initializers or Constant nodes) that the rewrite left unread (constants unread before stay)
 * and shape annotations of tensors that no longer exist.
 */
function dropUnreadConstants(graph: onnx.IGraphProto, readBefore: ReadonlySet<string>): void {
  const read = new Set<string>((graph.output ?? []).map((o) => o.name ?? ''));
  for (const node of graph.node ?? []) for (const name of namesReadBy(node)) read.add(name);
  const orphaned = (name: string | null | undefined) =>
    name != null && readBefore.has(name) && !read.has(name);
  graph.initializer = (graph.initializer ?? []).filter((tensor) => !orphaned(tensor.name));
  graph.node = (graph.node ?? []).filter(
    (node) => !(node.opType === 'Constant' && orphaned(node.output?.[0])),
  );
  // Shape annotations of tensors the rewrite removed (a MatMul output folded into its bias Add) would describe
  // nothing; ONNX checkers reject them.
  const produced = new Set<string>([
    ...(graph.input ?? []).map((i) => i.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ...(graph.node ?? []).flatMap((node) => node.output ?? []),
  ]);
  graph.valueInfo = (graph.valueInfo ?? []).filter((info) => produced.has(info.name ?? ''));
}
