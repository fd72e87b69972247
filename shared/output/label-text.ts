/**
 * Every format here is line-based, so a word or label must never carry a line break into the file; words
 * come whitespace-split from the transcript, but the writers do not rely on that.
 */
const BREAKING_RUN = /[\s\p{Cc}]+/gu;

/** Collapses whitespace, line breaks and control characters to single spaces and trims the ends. */
export function toSingleLine(text: string): string {
  return text.replace(BREAKING_RUN, ' ').trim();
}

/** Replaces whitespace, line breaks and control characters with `_`, for whitespace-separated fields. */
export function toField(text: string): string {
  return text.replace(BREAKING_RUN, '_');
}
