import type { Cue } from './cues';
import { groupIntoCues } from './cues';
import type { AlignmentResult } from './result';
import { formatClock } from './time-format';
import { toTimedWords } from './timeline';

/**
 * Renders WebVTT: cues from `groupIntoCues`, each word after the first preceded by an inline timestamp
 * tag (`<00:00:01.200>`) at its start, for karaoke-style highlighting.
 */
export function renderWebVtt(result: AlignmentResult): string {
  const cues = groupIntoCues(toTimedWords(result.words));
  const blocks = cues.map(
    (cue) => `${formatClock(cue.startMs, '.')} --> ${formatClock(cue.endMs, '.')}\n${cueText(cue)}`,
  );
  return `${['WEBVTT', ...blocks].join('\n\n')}\n`;
}

// WebVTT requires inline timestamps strictly inside the cue and strictly increasing; a word that starts
// no later than the previous tag (or at the cue edge) joins the previous word's highlight instead.
function cueText(cue: Cue): string {
  let lastStamp = cue.startMs;
  return cue.words
    .map((word, i) => {
      const text = escapeCueText(word.text);
      if (i === 0 || word.startMs <= lastStamp || word.startMs >= cue.endMs) return text;
      lastStamp = word.startMs;
      return `<${formatClock(word.startMs, '.')}>${text}`;
    })
    .join(' ');
}

/** Escapes the characters WebVTT cue text reserves; escaping `>` also rules out `-->` in cue text. */
export function escapeCueText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
