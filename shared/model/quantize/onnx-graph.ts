import { onnx } from 'onnx-proto';
import { AlignError } from '../../errors';

/** The ONNX operator-set domain of ONNX Runtime's contrib operators (DynamicQuantizeMatMul, ...). */
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** Decodes the bytes of an `.onnx` file; anything that is not a model with a graph is a `MODEL` error. */
export function decodeOnnxModel(bytes: Uint8Array): GraphModel {
  if (bytes.length === 0) throw modelError('the ONNX file is empty: expected the bytes of a .onnx model');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw modelError(
      `not an ONNX model (protobuf decoding failed: ${(error as Error).message}); the file may be truncated or of another format`,
      error,
    );
  }
  // Protobuf decodes many foreign byte strings "successfully" into empty messages; a model needs these three.
  if (!hasGraph(model) || (model.graph.node ?? []).length === 0) {
    throw modelError('not an ONNX model: the file has no graph with nodes');
  }
  if (model.opsetImport.length === 0 || toNumber(model.irVersion) <= 0) {
    throw modelError('not an ONNX model: the file declares no IR version or operator set');
  }
  return model;
}

/** A decoded model known to have its graph. */
export type GraphModel = onnx.ModelProto & { graph: onnx.IGraphProto };

function hasGraph(model: onnx.ModelProto): model is GraphModel {
  return model.graph !== null && model.graph !== undefined;
}

/** Serializes a model back to `.onnx` bytes. */
export function encodeOnnxModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The operator-set version a model imports for `domain` ('' is the default ONNX domain), or undefined. */
export function importedOpset(model: onnx.IModelProto, domain: string): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === domain);
  return entry?.version === undefined || entry.version === null ? undefined : toNumber(entry.version);
}

/** Adds `domain` at `version` to the model's operator-set imports unless it is already there. */
export function ensureOpsetImport(model: onnx.IModelProto, domain: string, version: number): void {
  if (importedOpset(model, domain) !== undefined) return;
  model.opsetImport = [...(model.opsetImport ?? []), { domain, version }];
}

/** protobufjs returns int64 fields as Long objects when they do not fit a double exactly; ONNX sizes always do. */
export function toNumber(value: number | { toNumber(): number }): number {
  return typeof value === 'number' ? value : value.toNumber();
}

/** Every tensor name a node or its subgraphs (If/Loop/Scan bodies) reads, recursively. */
export function namesReadBy(node: onnx.INodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const attribute of node.attribute ?? []) {
    const graphs = [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])];
    for (const graph of graphs) {
      for (const inner of graph.node ?? []) names.push(...namesReadBy(inner));
      for (const output of graph.output ?? []) names.push(output.name ?? '');
    }
  }
  return names;
}

/** Attribute value helpers: ONNX attributes are untyped bags, these read the field of the expected type. */
export function intAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  return attribute?.i === undefined || attribute.i === null ? fallback : toNumber(attribute.i);
}

/** Reads a float attribute, or `fallback` when the node does not set it. */
export function floatAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  return attribute?.f === undefined || attribute.f === null ? fallback : attribute.f;
}

/** An INT attribute for a node under construction. */
export function intAttr(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function modelError(message: string, cause?: unknown): AlignError {
  return new AlignError('MODEL', message, cause === undefined ? undefined : { cause });
}
