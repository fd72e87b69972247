import { AlignError, InternalError } from '../errors';
import { type Normalization, normalizeInto } from './normalize-audio';
import type { InferenceWindow, WindowPlan } from './window-plan';

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
  onProgress?: ((framesDone: number, totalFrames: number) => void) | undefined;
}

/**
 * A batch's windows (equally long, at least one) laid end to end as the body of a [windows, length] tensor,
 * normalised on the way when `normalization` is given: the tensor is a copy anyway, so the file is never
 * normalised as a whole, which would hold a second copy of all its samples.
 */
export function stackWindows(
  windows: readonly Float32Array[],
  normalization?: Normalization | undefined,
): { batch: Float32Array; length: number } {
  const [first] = windows;
  if (first === undefined) throw new InternalError('a batch of windows must hold at least one window');
  const { length } = first;
  const batch = new Float32Array(windows.length * length);
  windows.forEach((window, i) => {
    if (normalization === undefined) batch.set(window, i * length);
    else normalizeInto(window, normalization, batch, i * length);
  });
  return { batch, length };
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
  const batches: InferenceWindow[][] = [];
  for (let i = 0; i < plan.windows.length; i += options.batchSize) {
    batches.push(plan.windows.slice(i, i + options.batchSize));
  }
  let out: Float32Array | undefined;
  let vocab = 0;
  let framesDone = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      // Windows of different lengths (only a lone short file has one) cannot share a tensor: run them apart.
      for (const [length, group] of groupByLength(batch)) {
        const result = await run(
          group.map((window) => samples.subarray(window.sampleStart, window.sampleEnd)),
        );
        const expected = options.expectedFrames(length);
        if (result.logits.length !== group.length || result.frames !== expected || result.vocab < 1) {
          throw new AlignError(
            'MODEL',
            `the model returned ${result.logits.length} windows of ${result.frames} frames for ${group.length} ` +
              `windows of ${length} samples; expected ${expected} frames each (check conv_kernel/conv_stride in config.json)`,
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
        const stitched = out;
        for (const [k, window] of group.entries()) {
          // One logits array per window: the count was checked above.
          const logits = result.logits[k] ?? new Float32Array(0);
          if (logits.length !== result.frames * vocab) {
            throw new AlignError(
              'MODEL',
              `window logits hold ${logits.length} values, expected ${result.frames * vocab}`,
            );
          }
          const from = (window.keepStart - window.frameOffset) * vocab;
          const to = (window.keepEnd - window.frameOffset) * vocab;
          stitched.set(logits.subarray(from, to), window.keepStart * vocab);
          framesDone += window.keepEnd - window.keepStart;
        }
        options.onProgress?.(framesDone, plan.totalFrames);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.maxInFlight, batches.length)) }, worker),
  );
  return { logits: out ?? new Float32Array(0), frames: plan.totalFrames, vocab };
}

/** The batch's windows by sample length, in the order each length first appears. */
function groupByLength(batch: readonly InferenceWindow[]): Map<number, InferenceWindow[]> {
  const groups = new Map<number, InferenceWindow[]>();
  for (const window of batch) {
    const length = window.sampleEnd - window.sampleStart;
    groups.set(length, [...(groups.get(length) ?? []), window]);
  }
  return groups;
}
