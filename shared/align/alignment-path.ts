/** The best CTC path through the trellis, one entry per frame. */
export interface AlignmentPath {
  /** Trellis state per frame: even `2j` = blank before target j, odd `2j+1` = target j (S = 2L+1 states). */
  readonly states: Int32Array;
  /** Total score of the path (sum of the per-frame scores the aligner maximised). */
  readonly score: number;
}
