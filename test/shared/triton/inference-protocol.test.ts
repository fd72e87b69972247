import {
  encodeInferenceBody,
  type FloatTensor,
  InferenceBodyError,
  readTensors,
  splitInferenceBody,
  tensorBytes,
} from '../../../shared/triton/inference-protocol';

function binaryEntry(tensor: FloatTensor, bytes = tensorBytes(tensor).length) {
  return {
    name: tensor.name,
    datatype: tensor.datatype,
    shape: tensor.shape,
    parameters: { binary_data_size: bytes },
  };
}

const logits: FloatTensor = {
  name: 'logits',
  datatype: 'FP32',
  shape: [1, 2, 3],
  data: Float32Array.from([0.1, -2, 3.5, 4, 5e-8, -6]),
};
const half: FloatTensor = { name: 'half', datatype: 'FP16', shape: [2], data: Float32Array.from([0.5, -1]) };

describe('inference body codec', () => {
  it('reads back binary FP32 and FP16 tensors in order', () => {
    // Prepare
    const { body, headerLength } = encodeInferenceBody(
      { outputs: [binaryEntry(logits), binaryEntry(half)] },
      [tensorBytes(logits), tensorBytes(half)],
    );

    // Act
    const { header, binary } = splitInferenceBody(body, String(headerLength), 1024);
    const tensors = readTensors(header.outputs, binary, 'outputs');

    // Assess
    expect(tensors.map((t) => [t.name, t.datatype, t.shape])).toEqual([
      ['logits', 'FP32', [1, 2, 3]],
      ['half', 'FP16', [2]],
    ]);
    expect(Array.from(tensors[0]!.data)).toEqual(Array.from(logits.data));
    expect(Array.from(tensors[1]!.data)).toEqual([0.5, -1]);
  });

  it('reads nested JSON data as row-major values', () => {
    // Prepare
    const body = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'x',
            datatype: 'FP32',
            shape: [2, 2],
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
    );

    // Act
    const { header, binary } = splitInferenceBody(body, undefined, 1024);
    const [tensor] = readTensors(header.inputs, binary, 'inputs');

    // Assess
    expect(Array.from(tensor!.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a truncated binary part', () => {
    // Prepare
    const bytes = tensorBytes(logits);
    const { body, headerLength } = encodeInferenceBody({ outputs: [binaryEntry(logits)] }, [
      bytes.subarray(0, 10),
    ]);
    const { header, binary } = splitInferenceBody(body, String(headerLength), 1024);

    // Act / Assess
    expect(() => readTensors(header.outputs, binary, 'outputs')).toThrow(/truncated body/);
  });

  it('rejects a shape that disagrees with binary_data_size', () => {
    // Prepare
    const entry = { ...binaryEntry(logits), shape: [1, 3, 3] };
    const { body, headerLength } = encodeInferenceBody({ outputs: [entry] }, [tensorBytes(logits)]);
    const { header, binary } = splitInferenceBody(body, String(headerLength), 1024);

    // Act / Assess
    expect(() => readTensors(header.outputs, binary, 'outputs')).toThrow(
      /needs 36 bytes but binary_data_size says 24/,
    );
  });

  it('rejects bytes left over after the declared tensors', () => {
    // Prepare
    const { body, headerLength } = encodeInferenceBody({ outputs: [binaryEntry(logits)] }, [
      tensorBytes(logits),
      new Uint8Array(4),
    ]);
    const { header, binary } = splitInferenceBody(body, String(headerLength), 1024);

    // Act / Assess
    expect(() => readTensors(header.outputs, binary, 'outputs')).toThrow(/declare 24/);
  });

  it('rejects JSON data whose count disagrees with the shape, and non-numbers', () => {
    // Prepare
    const short = [{ name: 'x', datatype: 'FP32', shape: [3], data: [1, 2] }];
    const strings = [{ name: 'x', datatype: 'FP32', shape: [1], data: ['1'] }];

    // Act / Assess
    expect(() => readTensors(short, Buffer.alloc(0), 'inputs')).toThrow(
      /2 values in "data" but its shape holds 3/,
    );
    expect(() => readTensors(strings, Buffer.alloc(0), 'inputs')).toThrow(InferenceBodyError);
  });

  it('rejects a header length outside the body, an oversized header and malformed JSON', () => {
    // Prepare
    const body = Buffer.from('{"outputs": []}');

    // Act / Assess
    expect(() => splitInferenceBody(body, '999', 1024)).toThrow(/between 1 and the body length/);
    expect(() => splitInferenceBody(body, undefined, 4)).toThrow(/more than the 4 allowed/);
    expect(() => splitInferenceBody(Buffer.from('{"outputs": ['), undefined, 1024)).toThrow(/does not parse/);
  });

  it('refuses unsupported datatypes and negative dimensions', () => {
    // Prepare
    const int = [{ name: 'x', datatype: 'INT64', shape: [1], data: [1] }];
    const negative = [{ name: 'x', datatype: 'FP32', shape: [-1], data: [] }];

    // Act / Assess
    expect(() => readTensors(int, Buffer.alloc(0), 'inputs')).toThrow(/only FP32 and FP16/);
    expect(() => readTensors(negative, Buffer.alloc(0), 'inputs')).toThrow(/non-negative integers/);
  });
});
