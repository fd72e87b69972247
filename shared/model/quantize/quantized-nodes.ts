import { onnx } from 'onnx-proto';
import { quantizeColumns, quantizeColumnsUint8 } from './int8-weights';
import { intAttr, MICROSOFT_DOMAIN } from './onnx-graph';
import { floatTensor, int8Tensor, int64Tensor, uint8Tensor } from './onnx-tensor';

/** The operator form of a quantized MatMul (see QuantizeOptions.form). */
export type QuantizeForm = 'fused' | 'integer';

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
  /** An existing [N] float tensor, or values for a new one. */
  bias?: string | Float32Array;
}

/**
 * Builds the integer-math replacement nodes and the initializers they read, naming everything uniquely within
 * the graph and sharing what can be shared (int8 weights by weight, activation quantization by activation).
 */
export class QuantizedNodeWriter {
  private readonly taken = new Set<string>();
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly weights = new Map<string, WeightNames>();
  private readonly activations = new Map<string, { q: string; scale: string; zeroPoint: string }>();

  public constructor(
    graph: onnx.IGraphProto,
    private readonly form: QuantizeForm,
    private readonly encoding: WeightEncoding,
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
