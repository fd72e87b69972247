/** A word box's label font size, in px; the stylesheet's `.word` rule uses it too. */
export const LABEL_FONT_PX = 12;

/** A word box's label font family (the stylesheet's, and the one labels are measured in). */
export const LABEL_FONT_FAMILY = 'system-ui, sans-serif';

/** The smallest font a label shrinks to before it is shortened: smaller is unreadable. */
const LABEL_MIN_FONT_PX = 9;

/** A word box's horizontal padding, in px, each side (in the stylesheet too). */
export const WORD_BOX_PADDING_PX = 3;

/** A word box's border width, in px: low-score boxes have a thicker one (in the stylesheet too). */
export const WORD_BOX_BORDER_PX = { normal: 1, low: 2 } as const;

/** Ends a shortened label, so it never reads as a whole (shorter) word. */
const ELLIPSIS = '…';

/** A text's width in px at a font size (canvas measureText in the page). */
export type MeasureText = (text: string, fontPx: number) => number;

/** What a word box shows: the text (empty for none) at a font size. */
export interface Label {
  text: string;
  fontPx: number;
}

/** The width a word box leaves its label: the box's less its padding and borders. */
export function labelRoom(boxWidth: number, low: boolean): number {
  const border = low ? WORD_BOX_BORDER_PX.low : WORD_BOX_BORDER_PX.normal;
  return boxWidth - 2 * (WORD_BOX_PADDING_PX + border);
}

/**
 * The label that fits `room` px: the whole word at the largest whole-px font from LABEL_FONT_PX down to
 * LABEL_MIN_FONT_PX that fits; else at the smallest font, the longest prefix that fits with an ellipsis;
 * else none. A label is thus never a cut prefix that passes for the word (the box's tooltip names it).
 */
export function fitLabel(word: string, room: number, measure: MeasureText): Label {
  for (let fontPx = LABEL_FONT_PX; fontPx >= LABEL_MIN_FONT_PX; fontPx--) {
    if (measure(word, fontPx) <= room) return { text: word, fontPx };
  }
  // Code points, not UTF-16 units, so a prefix never ends in half a surrogate pair.
  const chars = Array.from(word);
  const shortened = (length: number) => chars.slice(0, length).join('') + ELLIPSIS;
  // Binary search for the longest prefix that fits: a longer prefix is never narrower.
  let fits = 0;
  let tooLong = chars.length;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (measure(shortened(middle), LABEL_MIN_FONT_PX) <= room) fits = middle;
    else tooLong = middle;
  }
  return { text: fits === 0 ? '' : shortened(fits), fontPx: LABEL_MIN_FONT_PX };
}
