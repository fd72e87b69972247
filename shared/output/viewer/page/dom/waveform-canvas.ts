import type { WordTiming } from '../../../result';
import { stripMarkExtent } from '../timeline-geometry';
import { type Envelope, traceEnvelope, type View } from '../waveform-envelope';
import type { WordIndex } from '../word-index';
import { stripColor } from '../word-style';

/** The canvas's CSS height if the stylesheet has not laid it out yet. */
const DEFAULT_HEIGHT = 112;
/** Below the waveform: the score strip (8 px) and its margins. */
const STRIP_SPACE = 14;

/**
 * Draws the view's part of the timeline on the canvas, which stays put while the track scrolls: the
 * waveform envelope and, under it, a score strip that shows every word at any zoom, including those too
 * thin for a box.
 */
export function drawTimelineCanvas(
  canvas: HTMLCanvasElement,
  view: View,
  envelope: Envelope | null,
  words: readonly WordTiming[],
  index: WordIndex,
  threshold: number,
): void {
  const { scroll, width, pxPerSec } = view;
  const ratio = window.devicePixelRatio || 1;
  const height = canvas.clientHeight || DEFAULT_HEIGHT;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  canvas.style.width = `${width}px`;
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const middle = (height - STRIP_SPACE) / 2;
  context.fillStyle = '#e9ecf2';
  context.fillRect(0, middle, width, 1);
  if (envelope !== null) {
    context.fillStyle = '#6f86b8';
    traceEnvelope(envelope, view, middle, (x, top, barHeight) => context.fillRect(x, top, 1, barHeight));
  }
  const [first, last] = index.inView(scroll / pxPerSec, (scroll + width) / pxPerSec);
  for (let w = first; w < last; w++) {
    // w is within the index's bounds (inView), which has one entry per word.
    const mark = stripMarkExtent(index.starts[w]!, index.ends[w]!, pxPerSec, scroll);
    context.fillStyle = stripColor(words[w]!, threshold);
    context.fillRect(mark.left, height - 10, mark.width, 8);
  }
}
