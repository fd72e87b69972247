import { InvalidInputError } from '../errors';
import type { ObjectHead, S3Store } from '../s3/s3-store';
import { type ActivityDescriptor, parseActivityDescriptor } from './activity-descriptor';
import { classifyKey, incomingKey, type KeyLayout } from './object-keys';

/** Transcripts (and descriptors) larger than this are refused; a book chapter is a few hundred KB. */
export const MAX_TRANSCRIPT_BYTES = 4 * 1024 * 1024;

/** The transcript an activity aligns to, and where it came from (its key and ETag feed idempotency). */
export interface FoundTranscript {
  text: string;
  origin: 'descriptor' | 'text-file' | 'metadata';
  key: string | undefined;
  etag: string | undefined;
  descriptor: ActivityDescriptor | undefined;
}

/**
 * SPEC §3 discovery, first found wins: `<name>.json` descriptor, `<name>.txt`, the audio's
 * `x-amz-meta-transcript` (URL-encoded); undefined means transcribe mode. A rerun's `explicitKey`
 * (SPEC §7) replaces discovery and must exist.
 */
export async function findTranscript(
  store: S3Store,
  bucket: string,
  layout: KeyLayout,
  stem: string,
  audio: ObjectHead,
  explicitKey?: string,
): Promise<FoundTranscript | undefined> {
  if (explicitKey !== undefined) return readExplicitTranscript(store, bucket, layout, explicitKey);
  const descriptorKey = incomingKey(layout, stem, 'json');
  const descriptor = await store.readText(bucket, descriptorKey, MAX_TRANSCRIPT_BYTES);
  if (descriptor !== undefined) {
    const parsed = parseActivityDescriptor(descriptor.text, descriptorKey);
    return {
      text: parsed.text,
      origin: 'descriptor',
      key: descriptorKey,
      etag: descriptor.etag,
      descriptor: parsed,
    };
  }
  const textKey = incomingKey(layout, stem, 'txt');
  const text = await store.readText(bucket, textKey, MAX_TRANSCRIPT_BYTES);
  if (text !== undefined) {
    return {
      text: text.text.replace(/^\uFEFF/, ''),
      origin: 'text-file',
      key: textKey,
      etag: text.etag,
      descriptor: undefined,
    };
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

async function readExplicitTranscript(
  store: S3Store,
  bucket: string,
  layout: KeyLayout,
  key: string,
): Promise<FoundTranscript> {
  const classified = classifyKey(key, layout);
  if (classified.kind !== 'transcript') {
    throw new InvalidInputError(
      `transcriptKey "${key}" must name a .json descriptor or a .txt transcript under ${layout.incomingPrefix}`,
    );
  }
  const found = await store.readText(bucket, key, MAX_TRANSCRIPT_BYTES);
  if (found === undefined)
    throw new InvalidInputError(`transcriptKey "${key}" does not exist in bucket ${bucket}`);
  if (classified.extension === 'txt') {
    return {
      text: found.text.replace(/^\uFEFF/, ''),
      origin: 'text-file',
      key,
      etag: found.etag,
      descriptor: undefined,
    };
  }
  const descriptor = parseActivityDescriptor(found.text, key);
  return { text: descriptor.text, origin: 'descriptor', key, etag: found.etag, descriptor };
}
