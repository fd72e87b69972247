import { createHash } from 'node:crypto';

/** Where inputs, results and failure records live in the bucket (SPEC §3). */
export interface KeyLayout {
  incomingPrefix: string;
  resultsPrefix: string;
  failedPrefix: string;
}

/** Audio extensions the pipeline processes (lower case); the decoder sniffs the real format. */
export const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'opus'] as const;
/** Transcript extensions, in discovery order (first found wins). */
export const TRANSCRIPT_EXTENSIONS = ['json', 'txt'] as const;

/** S3's key limit in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** The longest suffix the pipeline appends to a stem (a result format's extension). */
const LONGEST_SUFFIX = '.TextGrid';

/** What an event key is to the pipeline. `stem` is the path below the incoming prefix without extension. */
export type ClassifiedKey =
  | { kind: 'audio'; stem: string; extension: string }
  | { kind: 'transcript'; stem: string; extension: (typeof TRANSCRIPT_EXTENSIONS)[number] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string };

/**
 * Sorts an (untrusted, decoded) key. The pipeline's own outputs (results and failure records) and files of
 * another type are ignored; keys elsewhere outside the incoming prefix, with `.`/`..`/empty segments or
 * control characters, or too long for their result keys to fit S3's limit are rejected.
 */
export function classifyKey(key: string, layout: KeyLayout): ClassifiedKey {
  // Never answer our own writes: a failure record for a result would trigger another event, and so on.
  if (key.startsWith(layout.resultsPrefix) || key.startsWith(layout.failedPrefix)) {
    return { kind: 'ignored', reason: 'an output of the pipeline' };
  }
  if (!key.startsWith(layout.incomingPrefix)) {
    return { kind: 'rejected', reason: `the key is outside ${layout.incomingPrefix}` };
  }
  const relative = key.slice(layout.incomingPrefix.length);
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return { kind: 'rejected', reason: 'the key has an empty, "." or ".." path segment' };
  }
  if (hasControlCharacter(relative))
    return { kind: 'rejected', reason: 'the key contains control characters' };
  const name = segments[segments.length - 1]!;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { kind: 'ignored', reason: 'no file extension' };
  const extension = name.slice(dot + 1).toLowerCase();
  const stem = relative.slice(0, relative.length - name.length + dot);
  const longestPrefix = [layout.resultsPrefix, layout.failedPrefix].reduce((a, b) =>
    a.length > b.length ? a : b,
  );
  if (Buffer.byteLength(longestPrefix + stem + LONGEST_SUFFIX) > MAX_KEY_BYTES) {
    return {
      kind: 'rejected',
      reason: `the key is too long: its result keys would exceed S3's ${MAX_KEY_BYTES} bytes`,
    };
  }
  if ((AUDIO_EXTENSIONS as readonly string[]).includes(extension)) return { kind: 'audio', stem, extension };
  if (extension === 'json' || extension === 'txt') return { kind: 'transcript', stem, extension };
  return {
    kind: 'ignored',
    reason: `".${extension}" is neither audio (${AUDIO_EXTENSIONS.join(', ')}) nor a transcript`,
  };
}

/** `incoming/<stem>.<ext>` */
export function incomingKey(layout: KeyLayout, stem: string, extension: string): string {
  return `${layout.incomingPrefix}${stem}.${extension}`;
}

/** `results/<stem><extension>`, extension with its dot (`.json`, `.TextGrid`...). */
export function resultKey(layout: KeyLayout, stem: string, extension: string): string {
  return `${layout.resultsPrefix}${stem}${extension}`;
}

/** `failed/<stem>.json` */
export function failureKey(layout: KeyLayout, stem: string): string {
  return `${layout.failedPrefix}${stem}.json`;
}

/** Where a rejected key's failure record goes: its own path cannot be trusted, so a hash of it names the record. */
export function rejectedFailureKey(layout: KeyLayout, key: string): string {
  return `${layout.failedPrefix}_rejected/${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;
}

/** C0 controls and DEL: never part of a sane file name, and they break logs and downstream tools. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
