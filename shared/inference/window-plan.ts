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

/** Window length and context on each side, in seconds (ctc-forced-aligner uses 30 s with 2 s context). */
export interface WindowOptions {
  windowSec: number;
  contextSec: number;
}

/** The window every backend uses unless told otherwise: 30 s with 2 s of context on each side. */
export const DEFAULT_WINDOW: WindowOptions = { windowSec: 30, contextSec: 2 };

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
