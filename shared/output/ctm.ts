import { toField } from './label-text';
import type { AlignmentResult, ResultSource } from './result';
import { formatFixedSeconds } from './time-format';
import { toTimedWords } from './timeline';

/** Utterance id used when the result names neither an S3 key nor a local path. */
export const FALLBACK_UTTERANCE_ID = 'utterance';

/**
 * Renders NIST CTM: `<utterance-id> 1 <start> <duration> <word> <confidence>` per aligned word, seconds
 * and confidence to three decimals. Unaligned words have no timing measured from the audio (theirs is
 * interpolated), so they are omitted and a leading `;;` comment line, which CTM readers skip, says how
 * many; the JSON result keeps them.
 */
export function renderCtm(result: AlignmentResult): string {
  const utteranceId = utteranceIdFor(result.source);
  const words = toTimedWords(result.words);
  const lines: string[] = [];
  let omitted = 0;
  for (const word of words) {
    const token = toField(word.text);
    if (!word.aligned || token === '') {
      omitted += 1;
      continue;
    }
    const confidence = Math.min(1, Math.max(0, word.score));
    lines.push(
      `${utteranceId} 1 ${formatFixedSeconds(word.startMs)} ${formatFixedSeconds(word.endMs - word.startMs)} ` +
        `${token} ${confidence.toFixed(3)}`,
    );
  }
  if (omitted > 0) lines.unshift(`;; ${omitted} unaligned word(s) omitted; see the JSON result`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Derives the utterance id from the basename of the S3 key (or local path) without its extension;
 * whitespace and control characters become `_`, and a leading `;` too, since `;;` starts a CTM comment.
 */
export function utteranceIdFor(source: ResultSource): string {
  const location = source.key ?? source.path ?? '';
  const basename = location.split(/[/\\]/).pop() ?? '';
  const stem = basename.replace(/\.[^.]*$/, '');
  const id = toField(stem).replace(/^;/, '_');
  return id === '' ? FALLBACK_UTTERANCE_ID : id;
}
