import type { WordTiming } from '../../result';

/** Above this many words in view, boxes are too thin to read or click: the score strip shows them instead. */
const MAX_WORD_BOXES = 800;

/** The timeline's length in seconds: the audio, or the last word if it ends later; never zero. */
export function timelineDuration(durationSec: number, words: readonly Pick<WordTiming, 'end'>[]): number {
  return Math.max(durationSec, words[words.length - 1]?.end ?? 0, 0.001);
}

/** Whether the words in view are drawn as boxes (else only the score strip shows them). */
export function showsWordBoxes(wordsInView: number): boolean {
  return wordsInView <= MAX_WORD_BOXES;
}

/** A horizontal extent in pixels. */
export interface Extent {
  left: number;
  width: number;
}

/** A word box in track pixels: from its start to its end, at least 2 px wide so it can be clicked. */
export function wordBoxExtent(start: number, end: number, pxPerSec: number): Extent {
  return { left: start * pxPerSec, width: Math.max(2, (end - start) * pxPerSec) };
}

/** A word's mark in the score strip, in view pixels: at least 1 px wide so every word shows. */
export function stripMarkExtent(start: number, end: number, pxPerSec: number, scroll: number): Extent {
  return { left: start * pxPerSec - scroll, width: Math.max(1, (end - start) * pxPerSec) };
}

/** The track's width in pixels: the whole timeline at the scale. */
export function trackWidth(duration: number, pxPerSec: number): number {
  return Math.ceil(duration * pxPerSec);
}

/** The scroll position that shows `anchorTime` at `anchorX` px from the view's left edge. */
export function scrollToAnchor(anchorTime: number, anchorX: number, pxPerSec: number): number {
  return Math.max(0, anchorTime * pxPerSec - anchorX);
}

/**
 * The scroll position that brings a playhead at `time` back into view, a tenth of the view from its left
 * edge, or null while the playhead is within the view's first nine tenths.
 */
export function scrollToFollow(
  time: number,
  scroll: number,
  viewWidth: number,
  pxPerSec: number,
): number | null {
  const x = time * pxPerSec;
  if (x < scroll || x > scroll + viewWidth * 0.9) return Math.max(0, x - viewWidth * 0.1);
  return null;
}
