import type { AlignmentResult, WordTiming } from '../../../result';
import { fitLabel, LABEL_FONT_PX, labelRoom } from '../label-fit';
import { hintText } from '../page-text';
import { clockText } from '../time-format';
import {
  scrollToAnchor,
  scrollToFollow,
  showsWordBoxes,
  timelineDuration,
  trackWidth,
  wordBoxExtent,
} from '../timeline-geometry';
import type { Envelope } from '../waveform-envelope';
import type { WordIndex } from '../word-index';
import { isLowScore, scoreColor, wordBoxClass, wordBoxTitle } from '../word-style';
import {
  clampZoom,
  openingZoom,
  sliderToZoom,
  ZOOM_STEP,
  type ZoomLimits,
  zoomLimits,
  zoomToSlider,
} from '../zoom';
import { byId } from './elements';
import { canvasTextMeasure } from './text-measure';
import { drawTimelineCanvas } from './waveform-canvas';

/**
 * The scrolling timeline: waveform, word boxes, playhead and zoom. Only the words in view get boxes, so a
 * long result stays responsive; every redraw waits for the next animation frame.
 */
export class Timeline {
  private readonly timeline = byId('timeline');
  private readonly track = byId('track');
  private readonly canvas = byId<HTMLCanvasElement>('wave');
  private readonly layer = byId('words');
  private readonly playhead = byId('playhead');
  private readonly clock = byId('clock');
  private readonly currentLabel = byId('current-word');
  private readonly zoomInput = byId<HTMLInputElement>('zoom');
  private readonly hint = byId('hint');
  private readonly duration: number;
  private pxPerSec = 100;
  private limits: ZoomLimits = { min: 1, max: 1000 };
  private renderPending = false;
  private renderedRange: [first: number, last: number] | null = null;
  private readonly boxes = new Map<number, HTMLButtonElement>();
  /** The scale the existing boxes were placed and labelled at. */
  private boxesPxPerSec = 0;
  private readonly measure = canvasTextMeasure(false);
  private readonly measureItalic = canvasTextMeasure(true);
  private current = -1;

  constructor(
    private readonly result: AlignmentResult,
    private readonly threshold: number,
    private readonly index: WordIndex,
    private readonly envelope: Envelope | null,
    private readonly playheadTime: () => number,
  ) {
    this.duration = timelineDuration(result.audio.durationSec, result.words);
    this.timeline.addEventListener('scroll', () => this.scheduleRender(), { passive: true });
    window.addEventListener('resize', () => {
      const centre = (this.timeline.scrollLeft + this.viewWidth() / 2) / this.pxPerSec;
      this.updateZoomLimits();
      this.setZoom(this.pxPerSec, centre, this.viewWidth() / 2);
    });
    this.zoomInput.addEventListener('input', () =>
      this.zoomAroundCentre(sliderToZoom(Number(this.zoomInput.value), this.limits)),
    );
    byId('zoom-in').addEventListener('click', () => this.zoomBy(ZOOM_STEP));
    byId('zoom-out').addEventListener('click', () => this.zoomBy(1 / ZOOM_STEP));
    byId('zoom-fit').addEventListener('click', () => this.setZoom(this.limits.min, 0, 0));
  }

  /** The highlighted word, or -1. */
  get currentWord(): number {
    return this.current;
  }

  /** Lays the timeline out for the first time, at the opening zoom. */
  open(): void {
    this.updateZoomLimits();
    this.setZoom(openingZoom(this.duration, this.limits), 0, 0);
    this.render();
  }

  /** Zooms in (factor above 1) or out around the view's centre. */
  zoomBy(factor: number): void {
    this.zoomAroundCentre(this.pxPerSec * factor);
  }

  /** The time under a horizontal position in the window. */
  timeAtClientX(clientX: number): number {
    return (clientX - this.track.getBoundingClientRect().left) / this.pxPerSec;
  }

  /** Highlights a word's box (once it has one) and names it in the toolbar; -1 highlights none. */
  markCurrent(index: number): void {
    const previous = this.boxes.get(this.current);
    if (previous && this.current !== index) previous.classList.remove('current');
    this.current = index;
    this.boxes.get(index)?.classList.add('current');
    this.currentLabel.textContent = this.result.words[index]?.word ?? '';
  }

  /** Moves the playhead and the clock to a time. */
  placePlayhead(time: number): void {
    this.playhead.style.left = `${time * this.pxPerSec}px`;
    this.clock.textContent = clockText(time, this.result.audio.durationSec);
  }

  /** Scrolls the playhead back into view when it has run out of it. */
  followPlayhead(time: number): void {
    const scroll = scrollToFollow(time, this.timeline.scrollLeft, this.viewWidth(), this.pxPerSec);
    if (scroll !== null) this.timeline.scrollLeft = scroll;
  }

  private viewWidth(): number {
    return Math.max(1, this.timeline.clientWidth);
  }

  private updateZoomLimits(): void {
    this.limits = zoomLimits(this.viewWidth(), this.duration);
  }

  private zoomAroundCentre(value: number): void {
    const centreX = this.viewWidth() / 2;
    this.setZoom(value, (this.timeline.scrollLeft + centreX) / this.pxPerSec, centreX);
  }

  /** Sets the scale, keeping `anchorTime` at `anchorX` px from the view's left edge. */
  private setZoom(value: number, anchorTime: number, anchorX: number): void {
    this.pxPerSec = clampZoom(value, this.limits);
    this.track.style.width = `${trackWidth(this.duration, this.pxPerSec)}px`;
    this.timeline.dataset.pxPerSec = String(this.pxPerSec);
    this.zoomInput.value = String(zoomToSlider(this.pxPerSec, this.limits));
    this.timeline.scrollLeft = scrollToAnchor(anchorTime, anchorX, this.pxPerSec);
    // Every box is placed anew at the new scale.
    this.renderedRange = null;
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      this.render();
    });
  }

  private render(): void {
    const width = this.viewWidth();
    const scroll = this.timeline.scrollLeft;
    const view = { scroll, width, pxPerSec: this.pxPerSec };
    drawTimelineCanvas(this.canvas, view, this.envelope, this.result.words, this.index, this.threshold);
    this.renderWords(scroll / this.pxPerSec, (scroll + width) / this.pxPerSec);
    this.placePlayhead(this.playheadTime());
  }

  /** Gives the words in view a box each and removes the others' (all of them when too many are in view). */
  private renderWords(viewStart: number, viewEnd: number): void {
    const [first, last] = this.index.inView(viewStart, viewEnd);
    if (this.renderedRange && this.renderedRange[0] === first && this.renderedRange[1] === last) return;
    this.renderedRange = [first, last];
    const drawn = showsWordBoxes(last - first);
    this.hint.textContent = hintText(this.result.words.length, last - first);
    this.boxes.forEach((box, index) => {
      if (!drawn || index < first || index >= last) {
        box.remove();
        this.boxes.delete(index);
      }
    });
    if (drawn) {
      // Boxes kept from the last render stay as they are unless the scale changed since.
      const rescaled = this.boxesPxPerSec !== this.pxPerSec;
      this.boxesPxPerSec = this.pxPerSec;
      const fragment = document.createDocumentFragment();
      for (let index = first; index < last; index++) {
        let box = this.boxes.get(index);
        if (box && !rescaled) continue;
        if (!box) {
          box = this.makeBox(index);
          this.boxes.set(index, box);
          fragment.appendChild(box);
        }
        const extent = wordBoxExtent(this.index.starts[index]!, this.index.ends[index]!, this.pxPerSec);
        box.style.left = `${extent.left}px`;
        box.style.width = `${extent.width}px`;
        this.labelBox(box, this.result.words[index]!, extent.width);
      }
      this.layer.appendChild(fragment);
    }
    this.markCurrent(this.current);
  }

  private makeBox(index: number): HTMLButtonElement {
    const word = this.result.words[index];
    if (word === undefined) throw new Error(`The viewer has no word ${index} to draw`);
    const box = document.createElement('button');
    box.type = 'button';
    box.className = wordBoxClass(word, index, this.threshold);
    box.dataset.index = String(index);
    // The whole word, for the stylesheet to show over a shortened label on hover and highlight.
    box.dataset.word = word.word;
    box.setAttribute('aria-label', word.word);
    box.style.background = scoreColor(word, this.threshold);
    box.title = wordBoxTitle(word);
    return box;
  }

  /** Writes the label that fits a box `width` px wide: the word, smaller, shortened with "…", or none. */
  private labelBox(box: HTMLButtonElement, word: WordTiming, width: number): void {
    const room = labelRoom(width, isLowScore(word, this.threshold));
    const label = fitLabel(word.word, room, word.aligned ? this.measure : this.measureItalic);
    box.textContent = label.text;
    box.style.fontSize = label.fontPx === LABEL_FONT_PX ? '' : `${label.fontPx}px`;
    box.classList.toggle('cut', label.text !== word.word);
  }
}
