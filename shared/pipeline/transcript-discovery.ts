import { InvalidInputError } from '../errors';
import type { ObjectHead, S3Store } from '../s3/s3-store';
import { type ActivityDescriptor, parseActivityDescriptor } from './activity-descriptor';
import { incomingKey, type KeyLayout } from './object-keys';

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
 * `x-amz-meta-transcript` (URL-encoded); undefined means transcribe mode.
 */
export async function findTranscript(
  store: S3Store,
  bucket: string,
  layout: KeyLayout,
  stem: string,
  audio: ObjectHead,
): Promise<FoundTranscript | undefined> {
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
