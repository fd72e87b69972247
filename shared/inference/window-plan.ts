import { InvalidInputError } from '../errors';
import { type ConvLayer, framesForSamples, samplesForFrames } from '../model/model-spec';

/** One inference window: the samples it reads and which of its output frames are kept. */
export interface InferenceWindow {
  /** First input sample (a multiple of the frame stride, so its frames line up with the whole file's). */
  sampleStart: number;
  sampleEnd: number;
  /** Global frame index of the window's first output frame. */
  frameOffset: number;
  /** Global frames [keepStart, keepEnd) taken from this window. */
  keepStart: number;
  keepEnd: number;
}

/** How audio is cut into overlapping windows whose kept frames tile the whole file exactly. */
export interface WindowPlan {
  totalFrames: number;
  windows: InferenceWindow[];
}

/** Window length and context on each side, in seconds. */
export interface WindowOptions {
  windowSec: number;
  contextSec: number;
}

/**
 * The window every backend uses unless told otherwise, picked by `npm run bench -- inference`
 * (docs/benchmarks.md#inference): 20 s with 2 s of context on each side. On 60 s of audio with 2 threads,
 * wav2vec2-base ran fastest at 20 s in int8 and fp32 (30 s windows cost 1.3x: attention grows with the square
 * of the window) and wav2vec2-large the same (int8 RTF 0.187 / 0.175 / 0.204 at 15 / 20 / 30 s); shorter windows
 * pay more context per kept frame. Triton uses it too, so both backends cut a file the same way.
 */
export const DEFAULT_WINDOW: WindowOptions = { windowSec: 20, contextSec: 2 };

/**
 * Plans overlapping windows over `samples` input samples. Every window but a lone one has the same length
 * (the last is shifted back rather than shortened), so windows can be batched; frame k of a window starting
 * at sample s is global frame s / stride + k, exactly as in one unchunked pass.
 */
export function planWindows(
  samples: number,
  convLayers: readonly ConvLayer[],
  sampleRate: number,
  options: WindowOptions,
): WindowPlan {
  const stride = convLayers.reduce((product, layer) => product * layer.stride, 1);
  const totalFrames = framesForSamples(convLayers, samples);
  const windowFrames = Math.floor((options.windowSec * sampleRate) / stride);
  const contextFrames = Math.ceil((options.contextSec * sampleRate) / stride);
  const coreFrames = windowFrames - 2 * contextFrames;
  if (!(coreFrames >= 1)) {
    throw new InvalidInputError(
      `an inference window of ${options.windowSec} s must be longer than twice its context of ${options.contextSec} s`,
    );
  }
  if (totalFrames <= windowFrames) {
    return {
      totalFrames,
      windows:
        totalFrames === 0
          ? []
          : [{ sampleStart: 0, sampleEnd: samples, frameOffset: 0, keepStart: 0, keepEnd: totalFrames }],
    };
  }
  const windows: InferenceWindow[] = [];
  const windowSamples = samplesForFrames(convLayers, windowFrames);
  for (let keepStart = 0; keepStart < totalFrames; keepStart += coreFrames) {
    const keepEnd = Math.min(totalFrames, keepStart + coreFrames);
    const frameOffset = Math.min(Math.max(0, keepStart - contextFrames), totalFrames - windowFrames);
    const sampleStart = frameOffset * stride;
    windows.push({ sampleStart, sampleEnd: sampleStart + windowSamples, frameOffset, keepStart, keepEnd });
  }
  return { totalFrames, windows };
}
