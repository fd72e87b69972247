import { planWindows } from '../../../shared/inference/window-plan';
import { framesForSamples } from '../../../shared/model/model-spec';

// wav2vec2's feature extractor: kernel 10 stride 5, then kernels 3 and 2 of stride 2.
const LAYERS = [10, 3, 3, 3, 3, 2, 2].map((kernel, i) => ({ kernel, stride: i === 0 ? 5 : 2 }));

describe('planWindows', () => {
  it('uses one window for audio shorter than a window', () => {
    const plan = planWindows(16000 * 10, LAYERS, 16000, { windowSec: 30, contextSec: 2 });

    expect(plan.windows).toEqual([
      { sampleStart: 0, sampleEnd: 160000, frameOffset: 0, keepStart: 0, keepEnd: 499 },
    ]);
  });

  it.each([61, 95.3, 3600])(
    'tiles every frame of %s s exactly once with equal-length, frame-aligned windows',
    (seconds) => {
      // Prepare
      const samples = Math.round(seconds * 16000);

      // Act
      const plan = planWindows(samples, LAYERS, 16000, { windowSec: 30, contextSec: 2 });

      // Assess
      expect(plan.totalFrames).toBe(framesForSamples(LAYERS, samples));
      let next = 0;
      const lengths = new Set<number>();
      for (const w of plan.windows) {
        expect(w.keepStart).toBe(next);
        next = w.keepEnd;
        expect(w.sampleStart % 320).toBe(0);
        expect(w.frameOffset).toBe(w.sampleStart / 320);
        expect(w.sampleEnd).toBeLessThanOrEqual(samples);
        const windowFrames = framesForSamples(LAYERS, w.sampleEnd - w.sampleStart);
        expect(w.keepStart).toBeGreaterThanOrEqual(w.frameOffset);
        expect(w.keepEnd).toBeLessThanOrEqual(w.frameOffset + windowFrames);
        // Interior windows see at least the 2 s of context on each side of what they keep.
        if (w.keepStart > 0) expect(w.keepStart - w.frameOffset).toBeGreaterThanOrEqual(100);
        if (w.keepEnd < plan.totalFrames)
          expect(w.frameOffset + windowFrames - w.keepEnd).toBeGreaterThanOrEqual(100);
        lengths.add(w.sampleEnd - w.sampleStart);
      }
      expect(next).toBe(plan.totalFrames);
      expect(lengths.size).toBe(1);
    },
  );

  it('plans nothing for audio shorter than one frame', () => {
    expect(planWindows(100, LAYERS, 16000, { windowSec: 30, contextSec: 2 })).toEqual({
      totalFrames: 0,
      windows: [],
    });
  });

  it('refuses a window no longer than its context', () => {
    expect(() => planWindows(16000, LAYERS, 16000, { windowSec: 4, contextSec: 2 })).toThrow(
      'must be longer than twice its context',
    );
  });
});
