import { normalizeAudio, utteranceNormalization } from '../../../shared/inference/normalize-audio';
import { planWindows } from '../../../shared/inference/window-plan';
import {
  type BatchLogits,
  computeWindowedLogits,
  stackWindows,
} from '../../../shared/inference/windowed-logits';
import { framesForSamples } from '../../../shared/model/model-spec';

// wav2vec2's feature extractor: kernel 10 stride 5, then kernels 3 and 2 of stride 2.
const LAYERS = [10, 3, 3, 3, 3, 2, 2].map((kernel, i) => ({ kernel, stride: i === 0 ? 5 : 2 }));
const VOCAB = 3;

/** A stand-in model whose frame k logits encode the global sample its receptive field starts at. */
function positionalRunner(samples: Float32Array, calls: number[]) {
  return async (windows: Float32Array[]): Promise<BatchLogits> => {
    calls.push(windows.length);
    const frames = framesForSamples(LAYERS, windows[0]!.length);
    return {
      frames,
      vocab: VOCAB,
      logits: windows.map((window) => {
        const start = window.byteOffset / 4 - samples.byteOffset / 4;
        const out = new Float32Array(frames * VOCAB);
        for (let k = 0; k < frames; k++) out[k * VOCAB] = start + k * 320;
        return out;
      }),
    };
  };
}

describe('computeWindowedLogits', () => {
  it('stitches windows so every frame holds what one unchunked pass would put there', async () => {
    // Prepare
    const samples = new Float32Array(16000 * 75);
    const plan = planWindows(samples.length, LAYERS, 16000, { windowSec: 30, contextSec: 2 });
    const calls: number[] = [];

    // Act
    const result = await computeWindowedLogits(samples, plan, positionalRunner(samples, calls), {
      batchSize: 2,
      maxInFlight: 2,
      expectedFrames: (n) => framesForSamples(LAYERS, n),
    });

    // Assess
    expect(result.frames).toBe(framesForSamples(LAYERS, samples.length));
    for (let t = 0; t < result.frames; t++) expect(result.logits[t * VOCAB]).toBe(t * 320);
    expect(calls).toEqual([2, 1]);
  });

  it('rejects a model reply with the wrong number of frames', async () => {
    const samples = new Float32Array(16000 * 5);
    const plan = planWindows(samples.length, LAYERS, 16000, { windowSec: 30, contextSec: 2 });

    const outcome = computeWindowedLogits(
      samples,
      plan,
      async () => ({ frames: 10, vocab: VOCAB, logits: [new Float32Array(10 * VOCAB)] }),
      { batchSize: 1, maxInFlight: 1, expectedFrames: (n) => framesForSamples(LAYERS, n) },
    );

    await expect(outcome).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringContaining('expected 249 frames'),
    });
  });

  it('stacks a batch of windows end to end, and refuses an empty batch', () => {
    // Act
    const { batch, length } = stackWindows([Float32Array.of(1, 2), Float32Array.of(3, 4)]);

    // Assess
    expect({ batch: Array.from(batch), length }).toEqual({ batch: [1, 2, 3, 4], length: 2 });
    expect(() => stackWindows([])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('normalises windows as it stacks them to exactly the values of the whole file normalised at once', () => {
    // Prepare
    const samples = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 3) * 0.4 + 0.05);
    const whole = normalizeAudio(samples);

    // Act
    const { batch } = stackWindows(
      [samples.subarray(100, 400), samples.subarray(600, 900)],
      utteranceNormalization(samples),
    );

    // Assess
    expect(Array.from(batch)).toEqual([...whole.subarray(100, 400), ...whole.subarray(600, 900)]);
  });
});
