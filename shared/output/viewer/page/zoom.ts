/** The zoom buttons and the + and - keys multiply or divide the scale by this. */
export const ZOOM_STEP = 1.5;

/** The zoom slider's positions run from 0 to this (the input's `max` in html-viewer.ts). */
const SLIDER_MAX = 1000;

/** The closest the timeline zooms in, in pixels per second. */
const MAX_PX_PER_SEC = 1000;

/** Browsers lay out at most ~33 million px: the track stays below that even at full zoom on long files. */
const MAX_TRACK_PX = 3e7;

/** Files up to this many seconds long open fitted to the window. */
const FIT_ON_OPEN_SEC = 30;

/** Long files open at this scale, where words are readable. */
const OPENING_PX_PER_SEC = 100;

/** The range of scales, in pixels per second. */
export interface ZoomLimits {
  /** The whole timeline fitted to the view. */
  min: number;
  max: number;
}

/** The scales a view `viewWidth` px wide offers on a timeline `duration` seconds long. */
export function zoomLimits(viewWidth: number, duration: number): ZoomLimits {
  const min = viewWidth / duration;
  return { min, max: Math.max(min, Math.min(MAX_PX_PER_SEC, MAX_TRACK_PX / duration)) };
}

/** `value` held within the limits. */
export function clampZoom(value: number, limits: ZoomLimits): number {
  return Math.max(limits.min, Math.min(limits.max, value));
}

/** The scale the page opens at: short files fitted to the window, long ones at a readable scale. */
export function openingZoom(duration: number, limits: ZoomLimits): number {
  return duration <= FIT_ON_OPEN_SEC ? limits.min : OPENING_PX_PER_SEC;
}

// The slider is logarithmic: each step of it zooms by the same factor, whatever the scale.

/** The slider position showing a scale. */
export function zoomToSlider(value: number, limits: ZoomLimits): number {
  const span = Math.log(limits.max / limits.min);
  return span > 0 ? Math.round((SLIDER_MAX * Math.log(value / limits.min)) / span) : 0;
}

/** The scale a slider position stands for. */
export function sliderToZoom(position: number, limits: ZoomLimits): number {
  return limits.min * Math.exp((Math.log(limits.max / limits.min) * position) / SLIDER_MAX);
}
