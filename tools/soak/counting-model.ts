import type { AcousticModel } from '../../shared/inference/acoustic-model';

/** Wraps a model and counts its inference calls per input length (each soak activity has its own length). */
export class CountingModel implements AcousticModel {
  public readonly callsByLength = new Map<number, number>();

  public constructor(private readonly inner: AcousticModel) {}

  public get spec(): AcousticModel['spec'] {
    return this.inner.spec;
  }

  public get backend(): AcousticModel['backend'] {
    return this.inner.backend;
  }

  public get quantized(): boolean {
    return this.inner.quantized;
  }

  /** Counts the call, then runs the wrapped model. */
  public logProbs(...args: Parameters<AcousticModel['logProbs']>): ReturnType<AcousticModel['logProbs']> {
    const length = args[0].length;
    this.callsByLength.set(length, (this.callsByLength.get(length) ?? 0) + 1);
    return this.inner.logProbs(...args);
  }
}
