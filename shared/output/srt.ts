import { groupIntoCues } from './cues';
import type { AlignmentResult } from './result';
import { formatClock } from './time-format';
import { toTimedWords } from './timeline';

/** Renders SubRip: the same cues as WebVTT, numbered from 1, without per-word timing. */
export function renderSrt(result: AlignmentResult): string {
  const cues = groupIntoCues(toTimedWords(result.words));
  return cues
    .map((cue, i) => {
      const text = cue.words.map((w) => neutraliseMarkup(w.text)).join(' ');
      return `${i + 1}\n${formatClock(cue.startMs, ',')} --> ${formatClock(cue.endMs, ',')}\n${text}\n\n`;
    })
    .join('');
}

/**
 * SRT has no escape mechanism, yet players read `<b>`, `<i>`, `<font>` as markup and lenient parsers look
 * for `-->` on any line; angle brackets become the look-alike single guillemets so words stay literal.
 */
export function neutraliseMarkup(text: string): string {
  return text.replace(/</g, '\u2039').replace(/>/g, '\u203a');
}
