/** The waveform envelope: interleaved int8 min/max pairs, `binsPerSec` pairs per second of audio. */
export interface Envelope {
  minMax: Int8Array;
  binsPerSec: number;
}

/** What part of the timeline the view shows. */
export interface View {
  scroll: number;
  width: number;
  pxPerSec: number;
}

/**
 * Calls `bar` for each view pixel column the audio reaches, with the top and height of the envelope there:
 * the extremes of the bins under the column, around a centre line `middle` px down (±127 spans it).
 */
export function traceEnvelope(
  envelope: Envelope,
  view: View,
  middle: number,
  bar: (x: number, top: number, height: number) => void,
): void {
  const { minMax, binsPerSec } = envelope;
  const bins = minMax.length / 2;
  for (let x = 0; x < view.width; x++) {
    const from = Math.floor(((view.scroll + x) / view.pxPerSec) * binsPerSec);
    // Zoomed in past one bin per pixel, a column still shows the bin it falls in.
    const to = Math.max(from + 1, Math.floor(((view.scroll + x + 1) / view.pxPerSec) * binsPerSec));
    if (from >= bins) break;
    let low = 0;
    let high = 0;
    for (let b = Math.max(0, from); b < Math.min(to, bins); b++) {
      const min = minMax[2 * b]!;
      const max = minMax[2 * b + 1]!;
      if (min < low) low = min;
      if (max > high) high = max;
    }
    const top = middle - (high / 127) * middle;
    const bottom = middle - (low / 127) * middle;
    bar(x, top, Math.max(1, bottom - top));
  }
}
