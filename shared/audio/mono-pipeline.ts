import { checkDuration } from './audio-limits';
import { Resampler } from './resampler';
import { SampleAccumulator } from './sample-accumulator';

/** Takes mono blocks at the source rate, enforces the duration limit, resamples and collects the output. */
export class MonoPipeline {
  private readonly resampler: Resampler;
  private readonly output: SampleAccumulator;
  private frames = 0;

  /** `expectedFrames` sizes the output allocation; pass it only from bytes actually present, never from a header. */
  public constructor(
    private readonly sourceRate: number,
    targetRate: number,
    private readonly maxDurationSec: number,
    expectedFrames?: number,
  ) {
    this.resampler = new Resampler(sourceRate, targetRate);
    const limit = Math.ceil(maxDurationSec * targetRate) + 1;
    const estimate =
      expectedFrames === undefined ? undefined : Math.ceil((expectedFrames * targetRate) / sourceRate) + 1;
    this.output = new SampleAccumulator(estimate === undefined ? undefined : Math.min(estimate, limit));
  }

  /** Source frames taken so far. */
  public get sourceFrames(): number {
    return this.frames;
  }

  /** Takes the next block; throws AUDIO_TOO_LONG as soon as the source passes the limit. */
  public push(mono: Float32Array): void {
    this.frames += mono.length;
    checkDuration(this.frames, this.sourceRate, this.maxDurationSec, true);
    this.output.append(this.resampler.push(mono));
  }

  /** Flushes the resampler and returns every output sample. */
  public finish(): Float32Array {
    this.output.append(this.resampler.flush());
    return this.output.finish();
  }
}
