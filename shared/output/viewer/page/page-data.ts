import type { AlignmentResult } from '../../result';

/** The `#viewer-data` JSON block: what html-viewer.ts writes into the page and the page script reads. */
export interface PageData {
  /** The result without its character timings (the page does not draw them). */
  result: AlignmentResult;
  lowScoreThreshold: number;
  /** Waveform envelope: base64 of interleaved int8 min/max pairs, `binsPerSec` pairs per second. */
  peaks: { binsPerSec: number; minMax: string } | null;
  /** Where the audio plays from (a data: URL or a relative URL), or why the page has none. */
  audio: { src: string } | { src: null; note: string };
}
