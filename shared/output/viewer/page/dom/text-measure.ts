import { LABEL_FONT_FAMILY, type MeasureText } from '../label-fit';

/**
 * Measures label text as the word boxes draw it (upright or italic), on a canvas that is never shown.
 * Widths are cached: a page measures the same words again at every zoom.
 */
export function canvasTextMeasure(italic: boolean): MeasureText {
  const context = document.createElement('canvas').getContext('2d');
  const widths = new Map<string, number>();
  return (text, fontPx) => {
    // Without a 2D context every label counts as fitting, and the stylesheet's text-overflow shortens it.
    if (context === null) return 0;
    const key = `${fontPx} ${text}`;
    let width = widths.get(key);
    if (width === undefined) {
      context.font = `${italic ? 'italic ' : ''}${fontPx}px ${LABEL_FONT_FAMILY}`;
      width = context.measureText(text).width;
      widths.set(key, width);
    }
    return width;
  };
}
