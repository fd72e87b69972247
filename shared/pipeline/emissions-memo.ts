import type { Emissions } from '../align/emissions';
import type { AcousticModel } from '../inference/acoustic-model';

/** Emissions of one audio version whose result is not written yet. */
interface Entry {
  etag: string;
  samples: number;
  emissions: Emissions;
}

/** Most entries kept; each is a failed activity's emissions waiting for its retry or redelivery. */
const MAX_ENTRIES = 16;
/** Most bytes of emissions kept (an hour of wav2vec2 emissions is about 23 MB). */
const MAX_BYTES = 128 * 1024 * 1024;

/**
 * Keeps the emissions of activities that failed after inference (a result upload that ran out of retries, say)
 * so that their retry, or their redelivery to this warm process, aligns again without running the model again.
 * Keyed by object and ETag: a new version of the audio never reuses an old version's emissions.
 */
export class EmissionsMemo {
  private readonly entries = new Map<string, Entry>();

  /** A model that answers from the memo for `object` at the ETag `currentEtag()` names, and fills it otherwise. */
  public modelFor(
    model: AcousticModel,
    object: string,
    currentEtag: () => string | undefined,
  ): AcousticModel {
    return {
      spec: model.spec,
      backend: model.backend,
      quantized: model.quantized,
      logProbs: async (samples, onProgress) => {
        const etag = currentEtag();
        const kept = this.entries.get(object);
        if (kept !== undefined && kept.etag === etag && kept.samples === samples.length)
          return kept.emissions;
        const emissions = await model.logProbs(samples, onProgress);
        if (etag !== undefined) this.keep(object, { etag, samples: samples.length, emissions });
        return emissions;
      },
    };
  }

  /** Drops an object's entry once its result is written (or it needs no result). */
  public forget(object: string): void {
    this.entries.delete(object);
  }

  private keep(object: string, entry: Entry): void {
    this.entries.delete(object);
    this.entries.set(object, entry);
    let bytes = 0;
    for (const kept of this.entries.values()) bytes += kept.emissions.data.byteLength;
    for (const [oldest, kept] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
      this.entries.delete(oldest);
      bytes -= kept.emissions.data.byteLength;
    }
  }
}
