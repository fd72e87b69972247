import { InvalidInputError } from '../errors';
import { type ActivityDescriptor, parseActivityDescriptor } from './activity-descriptor';
import type { ActivityLayout } from './activity-layout';
import { TRANSCRIPT_EXTENSIONS } from './input-extensions';
import type { ObjectHead, ObjectStore } from './object-store';

/** Transcripts (and descriptors) larger than this are refused; a book chapter is a few hundred KB. */
export const MAX_TRANSCRIPT_BYTES = 4 * 1024 * 1024;

/** The transcript an activity aligns to, and where it came from (its key and version feed idempotency). */
export interface FoundTranscript {
  text: string;
  origin: 'descriptor' | 'text-file' | 'metadata';
  key: string | undefined;
  etag: string | undefined;
  descriptor: ActivityDescriptor | undefined;
}

/**
 * SPEC §3 discovery, first found wins: `<name>.json` descriptor, `<name>.txt`, the audio's
 * `x-amz-meta-transcript` (URL-encoded; only S3 keeps metadata); undefined means transcribe mode. A rerun's
 * `explicitKey` (SPEC §7) replaces discovery and must exist.
 */
export async function findTranscript(
  store: ObjectStore,
  bucket: string,
  layout: ActivityLayout,
  stem: string,
  audio: ObjectHead,
  explicitKey?: string,
): Promise<FoundTranscript | undefined> {
  if (explicitKey !== undefined) return readExplicitTranscript(store, bucket, layout, explicitKey);
  for (const extension of TRANSCRIPT_EXTENSIONS) {
    const key = layout.inputKey(stem, extension);
    const found = await store.readText(bucket, key, MAX_TRANSCRIPT_BYTES);
    if (found !== undefined) return transcriptOf(key, extension, found);
  }
  const metadata = audio.metadata.transcript;
  if (metadata === undefined) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(metadata);
  } catch (error) {
    throw new InvalidInputError(
      "the audio's x-amz-meta-transcript is not URL-encoded UTF-8 (encode it with encodeURIComponent)",
      {
        cause: error,
      },
    );
  }
  // The metadata belongs to the audio object, so the audio's ETag already versions it.
  return { text: decoded, origin: 'metadata', key: undefined, etag: undefined, descriptor: undefined };
}

/**
 * The transcript object that discovery (or the rerun's `explicitKey`) would take now, by key and version,
 * without reading it; undefined when there is none (metadata or transcribe mode: the audio's version covers them).
 */
export async function currentTranscript(
  store: ObjectStore,
  bucket: string,
  layout: ActivityLayout,
  stem: string,
  explicitKey?: string,
): Promise<{ key: string; etag: string } | undefined> {
  const keys =
    explicitKey === undefined
      ? TRANSCRIPT_EXTENSIONS.map((extension) => layout.inputKey(stem, extension))
      : [explicitKey];
  for (const key of keys) {
    const head = await store.head(bucket, key);
    if (head !== undefined) return { key, etag: head.etag };
  }
  return undefined;
}

async function readExplicitTranscript(
  store: ObjectStore,
  bucket: string,
  layout: ActivityLayout,
  key: string,
): Promise<FoundTranscript> {
  const classified = layout.classify(key);
  if (classified.kind !== 'transcript') {
    const why = 'reason' in classified ? ` (${classified.reason})` : '';
    throw new InvalidInputError(
      `transcriptKey "${key}" must name a .json descriptor or a .txt transcript among the inputs${why}`,
    );
  }
  const found = await store.readText(bucket, key, MAX_TRANSCRIPT_BYTES);
  if (found === undefined)
    throw new InvalidInputError(`transcriptKey "${key}" does not exist in bucket ${bucket}`);
  return transcriptOf(key, classified.extension, found);
}

/** A descriptor's text, or a text file's; a leading byte-order mark (Windows editors write one) is dropped. */
function transcriptOf(
  key: string,
  extension: (typeof TRANSCRIPT_EXTENSIONS)[number],
  found: { text: string; etag: string },
): FoundTranscript {
  const text = found.text.replace(/^\uFEFF/, '');
  if (extension === 'txt') {
    return { text, origin: 'text-file', key, etag: found.etag, descriptor: undefined };
  }
  const descriptor = parseActivityDescriptor(text, key);
  return { text: descriptor.text, origin: 'descriptor', key, etag: found.etag, descriptor };
}
