import type { AlignmentResult, WordTiming } from '../../../result';
import {
  flaggedLabel,
  flaggedMore,
  flaggedTitle,
  flaggedWords,
  MAX_FLAGGED,
  pageSubtitle,
  pageTitle,
  statRows,
} from '../page-text';
import { appendText, byId } from './elements';

// Every text from the result reaches the page through textContent, never through markup.

/** Fills the heading, the summary figures and the warnings. */
export function showSummary(result: AlignmentResult, threshold: number): void {
  byId('title').textContent = pageTitle(result);
  byId('subtitle').textContent = pageSubtitle(result);
  const statList = byId('stats');
  for (const [label, value] of statRows(result, threshold)) {
    const item = document.createElement('div');
    appendText(item, 'dt', label);
    appendText(item, 'dd', value);
    statList.appendChild(item);
  }
  const warningList = byId('warnings');
  for (const warning of result.warnings) appendText(warningList, 'li', warning);
}

/** Lists the unaligned and low-score words; clicking one plays it. */
export function showFlagged(
  words: readonly WordTiming[],
  threshold: number,
  playWord: (index: number) => void,
): void {
  const flagged = flaggedWords(words, threshold);
  const list = byId('flagged-list');
  for (const index of flagged.slice(0, MAX_FLAGGED)) {
    const word = words[index];
    if (word === undefined) continue;
    const item = document.createElement('li');
    const link = appendText(item, 'button', flaggedLabel(word));
    link.type = 'button';
    link.addEventListener('click', () => playWord(index));
    list.appendChild(item);
  }
  byId('flagged-title').textContent = flaggedTitle(flagged.length);
  const more = flaggedMore(flagged.length);
  if (more !== null) byId('flagged-more').textContent = more;
}
