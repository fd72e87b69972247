import { createHash } from 'node:crypto';
import { AUDIO_EXTENSIONS, TRANSCRIPT_EXTENSIONS } from './input-extensions';

/**
 * What a key is to the pipeline. `stem` (the input's path without its extension) finds the activity's inputs:
 * its transcripts and the audio objects they serve; `name` (see `outputName`) files the input's own outputs.
 */
export type ClassifiedKey =
  | ClassifiedAudio
  | { kind: 'transcript'; stem: string; extension: (typeof TRANSCRIPT_EXTENSIONS)[number]; name: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string };

/** An audio key, classified. */
export interface ClassifiedAudio {
  kind: 'audio';
  stem: string;
  extension: string;
  name: string;
}

/**
 * An input as its outputs are named. An object rather than the bare string, so that a stem (which several audio
 * objects share) cannot be passed where a name is meant: callers hand over the classified key itself.
 */
export interface NamedInput {
  name: string;
}

/**
 * Where one activity's inputs, results and failure record are. Pluggable so that one pipeline serves the
 * bucket's `incoming/` → `results/`, `failed/` (`object-keys.ts`) and a folder's `<name>.align.<ext>`,
 * `<name>.error.json` (`folder-layout.ts`). Keys are `/`-separated in both.
 */
export interface ActivityLayout {
  /** Sorts an untrusted key: audio or transcript, ignored (an output, another file type) or rejected (hostile). */
  classify(key: string): ClassifiedKey;
  /** An input of the activity: `<stem>.<extension>` where the audio is (its transcripts, audio of the same stem). */
  inputKey(stem: string, extension: string): string;
  /** A result file of the input; `extension` with its dot (`.json`, `.TextGrid`). */
  resultKey(input: NamedInput, extension: string): string;
  /** The input's failure record. */
  failureKey(input: NamedInput): string;
  /** A rejected key's failure record: named by a hash, since the key's own path cannot be trusted. */
  rejectedFailureKey(key: string): string;
}

/** The one extension whose outputs drop it: results of `.wav` uploads keep the keys they always had. */
const PLAIN_EXTENSION = 'wav';
/** A name that ends like an input key, in any case. */
const INPUT_EXTENSION_SUFFIX = new RegExp(
  `\\.(?:${[...AUDIO_EXTENSIONS, ...TRANSCRIPT_EXTENSIONS].join('|')})$`,
  'i',
);

/**
 * The rules both layouts share for a key below their input area: a folder marker (a key ending in `/`, which
 * S3 consoles create) is ignored; `.`, `..` or empty segments and control characters are rejected; audio and
 * transcripts are recognised by extension, in any case; the rest is ignored.
 */
export function classifyInputKey(relative: string): ClassifiedKey {
  const folderMarker = relative === '' || relative.endsWith('/');
  const path = folderMarker ? relative.slice(0, -1) : relative;
  // Only a marker's path can be empty: the marker of the input area itself.
  const segments = path === '' ? [] : path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return { kind: 'rejected', reason: 'the key has an empty, "." or ".." path segment' };
  }
  if (hasControlCharacter(relative))
    return { kind: 'rejected', reason: 'the key contains control characters' };
  if (folderMarker) return { kind: 'ignored', reason: 'a folder marker (a key ending in "/"), not a file' };
  const fileName = relative.slice(relative.lastIndexOf('/') + 1);
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return { kind: 'ignored', reason: 'no file extension' };
  const spelled = fileName.slice(dot + 1);
  const extension = spelled.toLowerCase();
  const stem = relative.slice(0, relative.length - fileName.length + dot);
  const name = outputName(relative, stem, spelled);
  if ((AUDIO_EXTENSIONS as readonly string[]).includes(extension)) {
    return { kind: 'audio', stem, extension, name };
  }
  const transcript = TRANSCRIPT_EXTENSIONS.find((known) => known === extension);
  if (transcript !== undefined) return { kind: 'transcript', stem, extension: transcript, name };
  return {
    kind: 'ignored',
    reason: `".${extension}" is neither audio (${AUDIO_EXTENSIONS.join(', ')}) nor a transcript`,
  };
}

/**
 * The name an input's outputs are filed under: its key below the input area, extension included, so that
 * `talk.wav` and `talk.flac` never share a result. A `.wav` (spelled so) drops it, as `.wav` results always
 * have, unless what is left ends like an input key itself (`talk.flac.wav`): a kept extension always ends the
 * name in an input extension and a dropped one never does, so no two input keys share a name.
 */
function outputName(relative: string, stem: string, spelledExtension: string): string {
  return spelledExtension === PLAIN_EXTENSION && !INPUT_EXTENSION_SUFFIX.test(stem) ? stem : relative;
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
