import { AlignError } from '../errors';
import type { WindowPlan } from './window-plan';

/** Raw logits of a batch of equally long windows, each frame-major [frames, vocab]. */
export interface BatchLogits {
  logits: Float32Array[];
  frames: number;
  vocab: number;
}

/** Runs the acoustic model on a batch of windows of equal length (any backend: ONNX Runtime, Triton). */
export type WindowRunner = (windows: Float32Array[]) => Promise<BatchLogits>;

/** Batching and parallelism of window inference. */
export interface WindowedInferenceOptions {
  /** Windows per model call (1 on CPU; several for a GPU server). */
  batchSize: number;
  /** Model calls in flight at once. */
  maxInFlight: number;
  /** Frames a window of a given sample length must produce (the model's conv geometry). */
  expectedFrames(samples: number): number;
  onProgress?: (framesDone: number, totalFrames: number) => void;
}

/**
 * Runs every window of the plan and stitches the kept frames into one [totalFrames, vocab] logit matrix,
 * identical in layout to a single unchunked pass.
 */
export async function computeWindowedLogits(
  samples: Float32Array,
  plan: WindowPlan,
  run: WindowRunner,
  options: WindowedInferenceOptions,
): Promise<{ logits: Float32Array; frames: number; vocab: number }> {
  const batches: number[][] = [];
  for (let i = 0; i < plan.windows.length; i += options.batchSize) {
    batches.push(plan.windows.slice(i, i + options.batchSize).map((_, k) => i + k));
  }
  let out: Float32Array | undefined;
  let vocab = 0;
  let framesDone = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      // Windows of different lengths (only a lone short file has one) cannot share a tensor: run them apart.
      const groups = groupByLength(batch, plan);
      for (const group of groups) {
        const inputs = group.map((w) =>
          samples.subarray(plan.windows[w]!.sampleStart, plan.windows[w]!.sampleEnd),
        );
        const result = await run(inputs);
        const expected = options.expectedFrames(inputs[0]!.length);
        if (result.logits.length !== group.length || result.frames !== expected || result.vocab < 1) {
          throw new AlignError(
            'MODEL',
            `the model returned ${result.logits.length} windows of ${result.frames} frames for ${group.length} ` +
              `windows of ${inputs[0]!.length} samples; expected ${expected} frames each (check conv_kernel/conv_stride in config.json)`,
          );
        }
        if (out === undefined) {
          vocab = result.vocab;
          out = new Float32Array(plan.totalFrames * vocab);
        } else if (result.vocab !== vocab) {
          throw new AlignError(
            'MODEL',
            `the model changed its vocabulary width from ${vocab} to ${result.vocab}`,
          );
        }
        group.forEach((w, k) => {
          const window = plan.windows[w]!;
          const logits = result.logits[k]!;
          if (logits.length !== result.frames * vocab) {
            throw new AlignError(
              'MODEL',
              `window logits hold ${logits.length} values, expected ${result.frames * vocab}`,
            );
          }
          const from = (window.keepStart - window.frameOffset) * vocab;
          const to = (window.keepEnd - window.frameOffset) * vocab;
          out!.set(logits.subarray(from, to), window.keepStart * vocab);
          framesDone += window.keepEnd - window.keepStart;
        });
        options.onProgress?.(framesDone, plan.totalFrames);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.maxInFlight, batches.length)) }, worker),
  );
  return { logits: out ?? new Float32Array(0), frames: plan.totalFrames, vocab };
}

function groupByLength(batch: number[], plan: WindowPlan): number[][] {
  const groups = new Map<number, number[]>();
  for (const w of batch) {
    const window = plan.windows[w]!;
    const length = window.sampleEnd - window.sampleStart;
    groups.set(length, [...(groups.get(length) ?? []), w]);
  }
  return [...groups.values()];
}
