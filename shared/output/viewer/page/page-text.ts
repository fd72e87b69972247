import type { AlignmentResult } from '../../result';
import { formatTime } from './time-format';
import { showsWordBoxes } from './timeline-geometry';
import { isLowScore, type StyledWord } from './word-style';

/** The flagged-words list shows at most this many; the score strip marks the rest. */
export const MAX_FLAGGED = 300;

/** The page's heading: the audio's file name. */
export function pageTitle(result: AlignmentResult): string {
  const name = result.source.key || result.source.path || 'result';
  return name.split(/[\\/]/).pop() ?? name;
}

/** The line under the heading: how the result was made. */
export function pageSubtitle(result: AlignmentResult): string {
  const { model } = result;
  const how = result.mode === 'transcribe' ? 'Transcribed' : 'Aligned';
  return `${how} with ${model.name} (${model.backend}${model.quantized ? ', int8' : ''})`;
}

/** The summary's label and value pairs. */
export function statRows(result: AlignmentResult, threshold: number): [label: string, value: string][] {
  const { stats } = result;
  const rows: [string, string][] = [
    ['Duration', formatTime(result.audio.durationSec)],
    ['Words', String(stats.wordsTotal)],
    ['Aligned', String(stats.wordsAligned)],
    ['Unaligned', String(stats.wordsUnaligned)],
    [`Low score (< ${threshold})`, String(stats.lowScoreWords)],
    ['Mean word score', stats.meanWordScore.toFixed(3)],
    ['Real-time factor', String(stats.realTimeFactor)],
  ];
  if (stats.skippedTokens.length > 0) rows.push(['Skipped characters', stats.skippedTokens.join(' ')]);
  return rows;
}

/** The hint under the timeline: how to use it, or why no boxes are shown. */
export function hintText(wordCount: number, wordsInView: number): string {
  if (wordCount === 0) return 'No words in this result.';
  if (!showsWordBoxes(wordsInView)) {
    return `${wordsInView} words in view: zoom in to see and click them (the strip under the waveform shows their scores).`;
  }
  return 'Click a word to play it. Space plays or pauses; the arrow keys step through the words; + and - zoom.';
}

/** Indexes of the words a reader should check: unaligned or low-score. */
export function flaggedWords(words: readonly StyledWord[], threshold: number): number[] {
  const flagged: number[] = [];
  words.forEach((word, index) => {
    if (!word.aligned || isLowScore(word, threshold)) flagged.push(index);
  });
  return flagged;
}

/** A flagged word's entry in the list. */
export function flaggedLabel(word: StyledWord): string {
  const detail = word.aligned ? ` (score ${word.score.toFixed(2)})` : ' (not aligned)';
  return `${word.word} @ ${formatTime(word.start)}${detail}`;
}

/** The flagged list's heading. */
export function flaggedTitle(flaggedCount: number): string {
  return flaggedCount === 0
    ? 'No unaligned or low-score words'
    : `Unaligned and low-score words (${flaggedCount})`;
}

/** The note under a flagged list cut at MAX_FLAGGED, or null when it shows every flagged word. */
export function flaggedMore(flaggedCount: number): string | null {
  return flaggedCount > MAX_FLAGGED
    ? `and ${flaggedCount - MAX_FLAGGED} more (the red marks in the score strip).`
    : null;
}
