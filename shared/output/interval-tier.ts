/** A labelled stretch of time in whole milliseconds. */
export interface LabelledSpan {
  label: string;
  startMs: number;
  endMs: number;
}

/**
 * Lays spans on a Praat interval tier covering exactly [0, xmaxMs]: contiguous, strictly increasing
 * intervals, gaps filled with empty labels. Praat has no zero-length intervals, so zero-length spans are
 * dropped. Overlapping neighbours (a timing correction can widen words) share the overlap: the boundary
 * moves to its middle; a span that cannot keep any length of its own is dropped. Expects spans in
 * non-decreasing start order and `xmaxMs` at or after every end.
 */
export function layIntervalTier(spans: readonly LabelledSpan[], xmaxMs: number): LabelledSpan[] {
  const kept: LabelledSpan[] = [];
  for (const span of spans) {
    if (span.endMs <= span.startMs) continue;
    const placed = { ...span };
    const previous = kept[kept.length - 1];
    if (previous !== undefined && placed.startMs < previous.endMs) {
      const lowest = previous.startMs + 1;
      const highest = placed.endMs - 1;
      if (lowest > highest) continue;
      const boundary = Math.min(highest, Math.max(lowest, Math.round((placed.startMs + previous.endMs) / 2)));
      previous.endMs = boundary;
      placed.startMs = boundary;
    }
    kept.push(placed);
  }
  return fillGaps(kept, xmaxMs);
}

function fillGaps(spans: readonly LabelledSpan[], xmaxMs: number): LabelledSpan[] {
  const intervals: LabelledSpan[] = [];
  let cursor = 0;
  for (const span of spans) {
    if (span.startMs > cursor) intervals.push({ label: '', startMs: cursor, endMs: span.startMs });
    intervals.push(span);
    cursor = span.endMs;
  }
  if (xmaxMs > cursor) intervals.push({ label: '', startMs: cursor, endMs: xmaxMs });
  return intervals;
}
