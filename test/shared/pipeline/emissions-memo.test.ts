import { EmissionsMemo } from '../../../shared/pipeline/emissions-memo';
import { StandInModel } from './pipeline-harness';

describe('EmissionsMemo', () => {
  const samples = new Float32Array(16_000);

  it('reuses the emissions of the same object at the same ETag instead of running the model again', async () => {
    // Prepare
    const inner = new StandInModel();
    const memo = new EmissionsMemo();
    const model = memo.modelFor(inner, 'b\u0000a.wav', () => 'etag-1');

    // Act
    const first = await model.logProbs(samples);
    const second = await model.logProbs(samples);

    // Assess
    expect(inner.calls).toBe(1);
    expect(second).toBe(first);
  });

  it('runs the model again for a new version of the audio, and after the entry was forgotten', async () => {
    // Prepare
    const inner = new StandInModel();
    const memo = new EmissionsMemo();
    let etag = 'etag-1';
    const model = memo.modelFor(inner, 'b\u0000a.wav', () => etag);

    // Act
    await model.logProbs(samples);
    etag = 'etag-2';
    await model.logProbs(samples);
    memo.forget('b\u0000a.wav');
    await model.logProbs(samples);

    // Assess
    expect(inner.calls).toBe(3);
  });

  it('keeps at most 16 objects, dropping the oldest', async () => {
    // Prepare
    const inner = new StandInModel();
    const memo = new EmissionsMemo();
    const modelOf = (i: number) => memo.modelFor(inner, `object-${i}`, () => 'etag');

    // Act
    for (let i = 0; i < 17; i++) await modelOf(i).logProbs(samples);
    await modelOf(16).logProbs(samples);
    await modelOf(0).logProbs(samples);

    // Assess
    expect(inner.calls).toBe(18);
  });
});
