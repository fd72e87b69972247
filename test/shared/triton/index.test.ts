jest.mock('onnxruntime-node', () => {
  throw new Error('onnxruntime-node was loaded');
});

describe('shared/triton', () => {
  it('loads without onnxruntime-node, so a Triton-only bundle need not ship it', () => {
    // Act
    const loaded = (): unknown => jest.requireActual('../../../shared/triton');

    // Assess
    expect(loaded).not.toThrow();
    expect(Object.keys(loaded() as object)).toEqual(
      expect.arrayContaining(['openTritonModel', 'TritonClient']),
    );
  });

  it('is the kind of check that fails when a module does load it', () => {
    // Act / Assess
    expect(() => jest.requireActual('../../../shared/inference/onnx-acoustic-model')).toThrow(
      /onnxruntime-node was loaded/,
    );
  });
});
