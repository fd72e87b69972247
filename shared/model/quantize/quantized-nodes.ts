import { onnx } from 'onnx-proto';
import { quantizeColumns, quantizeColumnsUint8 } from './int8-weights';
import { intAttr, MICROSOFT_DOMAIN } from './onnx-graph';
import { floatTensor, int8Tensor, int64Tensor, uint8Tensor } from './onnx-tensor';

/** The operator form of a per-tensor quantized MatMul (see QuantizeOptions.form). */
export type QuantizeForm = 'fused' | 'integer';

/** One activation scale per row (time step) or per tensor (see QuantizeOptions.activations). */
export type ActivationScales = 'per-row' | 'per-tensor';

/** How weights are stored: symmetric int8 with levels ±maxLevel, or asymmetric uint8 (see QuantizeOptions). */
export type WeightEncoding = { type: 'int8'; maxLevel: number } | { type: 'uint8' };

/** Names of a quantized weight's tensors in the graph. */
interface WeightNames {
  data: string;
  scale: string;
  /** Only for uint8 weights; int8 weights are symmetric (zero point 0, the input's default). */
  zeroPoint?: string;
}

/** A constant [K, N] weight of `X·W`, read lazily so a weight shared by several nodes is quantized once. */
export interface ConstantWeight {
  /** Tensor name the float weight is stored under. */
  source: string;
  /** Identifies the exact matrix (source, transposition, scaling): equal keys share one int8 copy. */
  key: string;
  rows: number;
  cols: number;
  values(): Float32Array;
}

/** One float MatMul/Gemm to replace: `output = input · weight (+ bias)`. */
export interface QuantizedMatMulSpec {
  name: string;
  input: string;
  output: string;
  weight: ConstantWeight;
  /** An existing [N] float tensor, or values for a new one; none when absent. */
  bias?: string | Float32Array | undefined;
}

/**
 * Builds the integer-math replacement nodes and the initializers they read, naming everything uniquely within
 * the graph and sharing what can be shared (int8 weights by weight, activation quantization by activation).
 */
export class QuantizedNodeWriter {
  private readonly taken = new Set<string>();
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly weights = new Map<string, WeightNames>();
  private readonly scalars = new Map<string, string>();
  private readonly activations = new Map<string, { q: string; scale: string; zeroPoint: string }>();

  public constructor(
    graph: onnx.IGraphProto,
    private readonly activationScales: ActivationScales,
    private readonly form: QuantizeForm,
    private readonly encoding: WeightEncoding,
    /** The model's default-domain opset, which decides operator signatures (ReduceMax `axes`). */
    private readonly opset: number,
  ) {
    for (const tensor of graph.initializer ?? []) this.taken.add(tensor.name ?? '');
    for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
      this.taken.add(value.name ?? '');
    }
    for (const node of graph.node ?? []) {
      this.taken.add(node.name ?? '');
      for (const name of node.output ?? []) this.taken.add(name);
    }
  }

  /** The nodes computing `spec` with int8 weights and dynamically quantized activations, in execution order. */
  public emit(spec: QuantizedMatMulSpec): onnx.INodeProto[] {
    const weight = this.quantizedWeight(spec.weight);
    const bias =
      spec.bias instanceof Float32Array ? this.addFloat(`${spec.weight.source}_bias`, spec.bias) : spec.bias;
    if (this.activationScales === 'per-row') return this.rows(spec, weight, bias);
    return this.form === 'fused' ? this.fused(spec, weight, bias) : this.integer(spec, weight, bias);
  }

  /** New initializers (int8 weights, scales, biases) to append to the graph. */
  public newInitializers(): readonly onnx.ITensorProto[] {
    return this.initializers;
  }

  /** How many distinct int8 weight matrices were written. */
  public quantizedWeightCount(): number {
    return this.weights.size;
  }

  /** ONNX Runtime's DynamicQuantizeMatMul: quantizes A per call, multiplies with int8 B, rescales, adds bias. */
  private fused(spec: QuantizedMatMulSpec, weight: WeightNames, bias?: string) {
    const inputs = [spec.input, weight.data, weight.scale];
    if (weight.zeroPoint !== undefined || bias !== undefined) inputs.push(weight.zeroPoint ?? '');
    if (bias !== undefined) inputs.push(bias);
    return [
      {
        name: this.uniqueName(`${spec.name}_quant`),
        opType: 'DynamicQuantizeMatMul',
        domain: MICROSOFT_DOMAIN,
        input: inputs,
        output: [spec.output],
      },
    ];
  }

  /**
   * Per-row symmetric activation quantization in standard ONNX ops, on the input viewed as [rows, K]:
   * scale_r = max|A_r| / 127 from ReduceMax and ReduceMin (read-only passes), one per-axis QuantizeLinear to
   * uint8 around 128, MatMulInteger with zero point 128, then Cast, both scales and the original shape back.
   * Quiet time steps keep their own resolution instead of being quantized with the loudest one's step.
   */
  private rows(spec: QuantizedMatMulSpec, weight: WeightNames, bias?: string) {
    const fresh = (suffix: string) => this.uniqueName(`${spec.output}_${suffix}`);
    const node = (
      opType: string,
      input: string[],
      output: string[],
      attribute: onnx.IAttributeProto[] = [],
    ) => ({
      name: this.uniqueName(`${spec.name}_${opType.toLowerCase()}`),
      opType,
      input,
      output,
      attribute,
    });
    // The tensors these nodes write, named after the output.
    const rows = fresh('rows');
    const high = fresh('row_max');
    const low = fresh('row_min');
    const negated = fresh('row_min_negated');
    const magnitude = fresh('row_magnitude');
    const scale = fresh('row_scale');
    const offsets = fresh('row_offsets');
    const quantized = fresh('row_quantized');
    const product = fresh('int32');
    const asFloat = fresh('int32_float');
    const byColumn = fresh('column_scaled');
    const scaleColumn = fresh('row_scale_column');
    const rowOutput = fresh('row_output');
    const inputShape = fresh('input_shape');
    const leading = fresh('leading_dims');
    const outputShape = fresh('output_shape');
    const scaleShape = fresh('row_scale_shape');
    const flat = this.int64Constant('rows_shape', [-1, spec.weight.rows]);
    const offset = this.uint8Scalar('offset', 128);
    const scaled = bias === undefined ? rowOutput : fresh('row_unbiased');
    const nodes: onnx.INodeProto[] = [
      node('Reshape', [spec.input, flat], [rows]),
      this.reduceNode(node, 'ReduceMax', rows, high),
      this.reduceNode(node, 'ReduceMin', rows, low),
      node('Neg', [low], [negated]),
      node('Max', [high, negated, this.floatScalar('tiny', 1e-30)], [magnitude]),
      node('Div', [magnitude, this.floatScalar('levels', 127)], [scale]),
      node('Shape', [scale], [scaleShape]),
      node('Expand', [offset, scaleShape], [offsets]),
      node('QuantizeLinear', [rows, scale, offsets], [quantized], [intAttr('axis', 0)]),
      ...this.integerProduct(node, quantized, weight, offset, [product, asFloat, byColumn]),
      node('Reshape', [scale, this.int64Constant('column_shape', [-1, 1])], [scaleColumn]),
      node('Mul', [byColumn, scaleColumn], [scaled]),
    ];
    if (bias !== undefined) nodes.push(node('Add', [scaled, bias], [rowOutput]));
    nodes.push(
      node('Shape', [spec.input], [inputShape]),
      node(
        'Slice',
        [
          inputShape,
          this.int64Constant('first', [0]),
          this.int64Constant('last', [-1]),
          this.int64Constant('axis0', [0]),
        ],
        [leading],
      ),
      node(
        'Concat',
        [leading, this.int64Constant(`columns_${spec.weight.cols}`, [spec.weight.cols])],
        [outputShape],
        [intAttr('axis', 0)],
      ),
      node('Reshape', [rowOutput, outputShape], [spec.output]),
    );
    return nodes;
  }

  /**
   * The uint8 rows times the int8 weight, scaled per output column, as float. The 'fused' form uses ONNX
   * Runtime's MatMulIntegerToFloat, which applies the column scales inside the multi-threaded GEMM instead of
   * in two more single passes over the output (Cast, Mul); 'integer' keeps to standard operators.
   */
  private integerProduct(
    node: (
      opType: string,
      input: string[],
      output: string[],
      attribute?: onnx.IAttributeProto[],
    ) => onnx.INodeProto,
    quantized: string,
    weight: WeightNames,
    offset: string,
    [product, asFloat, byColumn]: [string, string, string],
  ): onnx.INodeProto[] {
    if (this.form === 'fused') {
      const scaled = node(
        'MatMulIntegerToFloat',
        [
          quantized,
          weight.data,
          this.floatScalar('one', 1),
          weight.scale,
          offset,
          ...(weight.zeroPoint ? [weight.zeroPoint] : []),
        ],
        [byColumn],
      );
      return [{ ...scaled, domain: MICROSOFT_DOMAIN }];
    }
    return [
      node(
        'MatMulInteger',
        [quantized, weight.data, offset, ...(weight.zeroPoint ? [weight.zeroPoint] : [])],
        [product],
      ),
      node('Cast', [product], [asFloat], [intAttr('to', onnx.TensorProto.DataType.FLOAT)]),
      node('Mul', [asFloat, weight.scale], [byColumn]),
    ];
  }

  /** ReduceMax/ReduceMin over each row's last axis, dropping it; `axes` became an input in opset 18. */
  private reduceNode(
    node: (
      opType: string,
      input: string[],
      output: string[],
      attribute?: onnx.IAttributeProto[],
    ) => onnx.INodeProto,
    opType: 'ReduceMax' | 'ReduceMin',
    input: string,
    output: string,
  ): onnx.INodeProto {
    const keep = intAttr('keepdims', 0);
    if (this.opset >= 18) return node(opType, [input, this.int64Constant('axis1', [1])], [output], [keep]);
    return node(
      opType,
      [input],
      [output],
      [{ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] }, keep],
    );
  }

  private int64Constant(base: string, values: number[]): string {
    const key = `int64:${base}:${values.join(',')}`;
    let name = this.scalars.get(key);
    if (name === undefined) {
      name = this.addInt64(`quantize_${base}`, values);
      this.scalars.set(key, name);
    }
    return name;
  }

  private floatScalar(base: string, value: number): string {
    const key = `float:${base}:${value}`;
    let name = this.scalars.get(key);
    if (name === undefined) {
      name = this.uniqueName(`quantize_${base}`);
      this.initializers.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, floatData: [value] });
      this.scalars.set(key, name);
    }
    return name;
  }

  private uint8Scalar(base: string, value: number): string {
    const key = `uint8:${base}:${value}`;
    let name = this.scalars.get(key);
    if (name === undefined) {
      name = this.uniqueName(`quantize_${base}`);
      this.initializers.push(uint8Tensor(name, [], Uint8Array.of(value)));
      this.scalars.set(key, name);
    }
    return name;
  }

  /** Standard ONNX: DynamicQuantizeLinear → MatMulInteger → Cast → Mul(a_scale · b_scale) (→ Add bias). */
  private integer(spec: QuantizedMatMulSpec, weight: WeightNames, bias?: string) {
    const nodes: onnx.INodeProto[] = [];
    let activation = this.activations.get(spec.input);
    if (activation === undefined) {
      const base = `${spec.input}_quant`;
      activation = {
        q: this.uniqueName(base),
        scale: this.uniqueName(`${base}_scale`),
        zeroPoint: this.uniqueName(`${base}_zero_point`),
      };
      this.activations.set(spec.input, activation);
      nodes.push({
        name: this.uniqueName(`${spec.name}_quantize_input`),
        opType: 'DynamicQuantizeLinear',
        input: [spec.input],
        output: [activation.q, activation.scale, activation.zeroPoint],
      });
    }
    const product = this.uniqueName(`${spec.output}_int32`);
    const asFloat = this.uniqueName(`${spec.output}_int32_float`);
    const scale = this.uniqueName(`${spec.output}_scale`);
    const scaled = bias === undefined ? spec.output : this.uniqueName(`${spec.output}_unbiased`);
    nodes.push(
      {
        name: this.uniqueName(`${spec.name}_quant`),
        opType: 'MatMulInteger',
        input: [
          activation.q,
          weight.data,
          activation.zeroPoint,
          ...(weight.zeroPoint ? [weight.zeroPoint] : []),
        ],
        output: [product],
      },
      {
        name: this.uniqueName(`${spec.name}_cast`),
        opType: 'Cast',
        input: [product],
        output: [asFloat],
        attribute: [intAttr('to', onnx.TensorProto.DataType.FLOAT)],
      },
      {
        name: this.uniqueName(`${spec.name}_scale`),
        opType: 'Mul',
        input: [activation.scale, weight.scale],
        output: [scale],
      },
      {
        name: this.uniqueName(`${spec.name}_rescale`),
        opType: 'Mul',
        input: [asFloat, scale],
        output: [scaled],
      },
    );
    if (bias !== undefined) {
      nodes.push({
        name: this.uniqueName(`${spec.name}_bias`),
        opType: 'Add',
        input: [scaled, bias],
        output: [spec.output],
      });
    }
    return nodes;
  }

  private quantizedWeight(weight: ConstantWeight): WeightNames {
    const existing = this.weights.get(weight.key);
    if (existing !== undefined) return existing;
    const data = this.uniqueName(`${weight.source}_quantized`);
    const dims = [weight.rows, weight.cols];
    let names: WeightNames;
    if (this.encoding.type === 'int8') {
      const quantized = quantizeColumns(weight.values(), weight.rows, weight.cols, this.encoding.maxLevel);
      this.initializers.push(int8Tensor(data, dims, quantized.data));
      names = { data, scale: this.addFloat(`${weight.source}_scale`, quantized.scales) };
    } else {
      const quantized = quantizeColumnsUint8(weight.values(), weight.rows, weight.cols);
      const zeroPoint = this.uniqueName(`${weight.source}_zero_point`);
      this.initializers.push(
        uint8Tensor(data, dims, quantized.data),
        uint8Tensor(zeroPoint, [weight.cols], quantized.zeroPoints),
      );
      names = { data, scale: this.addFloat(`${weight.source}_scale`, quantized.scales), zeroPoint };
    }
    this.weights.set(weight.key, names);
    return names;
  }

  /** Adds an int64 constant under a fresh name and returns the name. */
  public addInt64(base: string, values: readonly number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  private addFloat(base: string, values: Float32Array): string {
    const name = this.uniqueName(base);
    this.initializers.push(floatTensor(name, [values.length], values));
    return name;
  }

  /** A tensor or node name not yet used in the graph, derived from `base`. */
  public uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}
