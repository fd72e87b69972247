import type { WordTiming } from '../../result';
import { formatTime } from './time-format';

/** The word fields the page styles by. */
export type StyledWord = Pick<WordTiming, 'word' | 'start' | 'end' | 'score' | 'aligned'>;

/** Unaligned words' grey (the stylesheet's `.word.unaligned` and legend swatch use it too). */
const UNALIGNED_COLOR = '#e4e6eb';

/** Low-score words' red, the colour of their box outline in the stylesheet. */
const LOW_SCORE_MARK = '#b00020';

/** Whether a word was aligned with a score below the threshold (unaligned words have no real score). */
export function isLowScore(word: StyledWord, threshold: number): boolean {
  return word.aligned && word.score < threshold;
}

/** A word box's background: a hue from red (score 0) to green (1); low-score boxes a little lighter. */
export function scoreColor(word: StyledWord, threshold: number): string {
  if (!word.aligned) return UNALIGNED_COLOR;
  const score = Math.max(0, Math.min(1, word.score));
  return `hsl(${Math.round(score * 120)}, 62%, ${isLowScore(word, threshold) ? 70 : 66}%)`;
}

/** A word's mark in the score strip: low-score words in the outline red, so they stand out at any zoom. */
export function stripColor(word: StyledWord, threshold: number): string {
  return isLowScore(word, threshold) ? LOW_SCORE_MARK : scoreColor(word, threshold);
}

/** A word box's classes: boxes alternate between two rows, so neighbours' labels do not overlap. */
export function wordBoxClass(word: StyledWord, index: number, threshold: number): string {
  return `word row${index % 2}${word.aligned ? '' : ' unaligned'}${isLowScore(word, threshold) ? ' low' : ''}`;
}

/** A word box's tooltip: the word, its times and its score. */
export function wordBoxTitle(word: StyledWord): string {
  const detail = word.aligned ? `  score ${word.score.toFixed(3)}` : '  not aligned (time interpolated)';
  return `${word.word}  ${formatTime(word.start)} - ${formatTime(word.end)}${detail}`;
}
