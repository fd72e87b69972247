import { createHash } from 'node:crypto';
import { AUDIO_EXTENSIONS, TRANSCRIPT_EXTENSIONS } from './input-extensions';

/** What a key is to the pipeline. `stem` names the activity: the input's path without its extension. */
export type ClassifiedKey =
  | { kind: 'audio'; stem: string; extension: string }
  | { kind: 'transcript'; stem: string; extension: (typeof TRANSCRIPT_EXTENSIONS)[number] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string };

/**
 * Where one activity's inputs, results and failure record are, by its stem. Pluggable so that one pipeline
 * serves the bucket's `incoming/` → `results/`, `failed/` (`object-keys.ts`) and a folder's
 * `<name>.align.<ext>`, `<name>.error.json` (`folder-layout.ts`). Keys are `/`-separated in both.
 */
export interface ActivityLayout {
  /** Sorts an untrusted key: audio or transcript, ignored (an output, another file type) or rejected (hostile). */
  classify(key: string): ClassifiedKey;
  /** An input of the activity: `<stem>.<extension>` where the audio is (its transcripts, audio of the same name). */
  inputKey(stem: string, extension: string): string;
  /** A result file; `extension` with its dot (`.json`, `.TextGrid`). */
  resultKey(stem: string, extension: string): string;
  /** The activity's failure record. */
  failureKey(stem: string): string;
  /** A rejected key's failure record: named by a hash, since the key's own path cannot be trusted. */
  rejectedFailureKey(key: string): string;
}

/**
 * The rules both layouts share for a key below their input area: `.`, `..` or empty segments and control
 * characters are rejected; audio and transcripts are recognised by extension, in any case; the rest is ignored.
 */
export function classifyInputKey(relative: string): ClassifiedKey {
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return { kind: 'rejected', reason: 'the key has an empty, "." or ".." path segment' };
  }
  if (hasControlCharacter(relative))
    return { kind: 'rejected', reason: 'the key contains control characters' };
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { kind: 'ignored', reason: 'no file extension' };
  const extension = name.slice(dot + 1).toLowerCase();
  const stem = relative.slice(0, relative.length - name.length + dot);
  if ((AUDIO_EXTENSIONS as readonly string[]).includes(extension)) return { kind: 'audio', stem, extension };
  const transcript = TRANSCRIPT_EXTENSIONS.find((known) => known === extension);
  if (transcript !== undefined) return { kind: 'transcript', stem, extension: transcript };
  return {
    kind: 'ignored',
    reason: `".${extension}" is neither audio (${AUDIO_EXTENSIONS.join(', ')}) nor a transcript`,
  };
}

/** A stable name for an untrusted key: the first 40 hex digits of its SHA-256. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 40);
}

/** C0 controls and DEL: never part of a sane file name, and they break logs and downstream tools. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
