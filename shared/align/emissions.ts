/** Frame-major matrix of per-frame scores over the vocabulary: `data[t * vocab + v]`. */
export interface Emissions {
  readonly data: Float32Array;
  readonly frames: number;
  readonly vocab: number;
}
