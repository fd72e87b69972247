jest.mock('onnxruntime-node', () => {
  throw new Error('onnxruntime-node was loaded');
});

describe('triton-align handler module', () => {
  it('loads without onnxruntime-node, so its package need not ship it', () => {
    // Act
    const loaded = (): unknown => jest.requireActual('../../../lambdas/triton-align');

    // Assess
    expect(loaded).not.toThrow();
    expect(Object.keys(loaded() as object)).toEqual(expect.arrayContaining(['handler', 'createHandler']));
  });

  it('is a check that fails for a handler that does load it (align-cpu)', () => {
    // Act / Assess
    expect(() => jest.requireActual('../../../lambdas/align-cpu')).toThrow(/onnxruntime-node was loaded/);
  });
});
