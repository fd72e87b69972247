import { InvalidInputError } from '../errors';
import { transcriptText } from '../text/transcript-bytes';
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

/** A `<name>.json` that discovery passed over because it is an alignment result, at the version it read. */
export interface PassedOver {
  key: string;
  etag: string;
}

/** What discovery found: the transcript (undefined: transcribe mode) and the result documents it passed over. */
export interface Discovery {
  transcript: FoundTranscript | undefined;
  passedOver: PassedOver[];
}

/**
 * Transcript discovery (docs/s3-layout.md#transcripts), first found wins: `<name>.json` descriptor,
 * `<name>.txt`, the audio's `x-amz-meta-transcript` (URL-encoded; only S3 keeps metadata); no transcript
 * means transcribe mode. A `<name>.json` that is an alignment result is passed over: an earlier `align --out
 * <name>.json` must not silently become the transcript. A rerun's `explicitKey` (docs/reruns.md#the-input)
 * replaces discovery and must exist.
 */
export async function findTranscript(
  store: ObjectStore,
  bucket: string,
  layout: ActivityLayout,
  stem: string,
  audio: ObjectHead,
  explicitKey?: string,
): Promise<Discovery> {
  if (explicitKey !== undefined) {
    return { transcript: await readExplicitTranscript(store, bucket, layout, explicitKey), passedOver: [] };
  }
  const passedOver: PassedOver[] = [];
  for (const { key, extension } of transcriptCandidates(layout, stem)) {
    const found = await store.readBytes(bucket, key, MAX_TRANSCRIPT_BYTES);
    if (found === undefined) continue;
    const transcript = transcriptOf(key, extension, found);
    if (transcript !== undefined) return { transcript, passedOver };
    passedOver.push({ key, etag: found.etag });
  }
  return { transcript: metadataTranscript(audio), passedOver };
}

/** The keys discovery tries for a stem's transcript, in its order: the descriptor, then the text file. */
function transcriptCandidates(
  layout: ActivityLayout,
  stem: string,
): { key: string; extension: (typeof TRANSCRIPT_EXTENSIONS)[number] }[] {
  return TRANSCRIPT_EXTENSIONS.map((extension) => ({ key: layout.inputKey(stem, extension), extension }));
}

/** What the result says about a passed-over result document, naming what was aligned instead. */
export function passedOverWarning(passed: PassedOver, transcript: FoundTranscript | undefined): string {
  const instead =
    transcript === undefined
      ? 'no other transcript was found, so the audio was transcribed'
      : `the transcript is ${transcript.key ?? "the audio's x-amz-meta-transcript"}`;
  return (
    `${passed.key} is an alignment result ("version": 1 with "words" or "source"), not an activity ` +
    `descriptor: ignored; ${instead}`
  );
}

/** The audio's `x-amz-meta-transcript`, URL-decoded, if it has one. */
function metadataTranscript(audio: ObjectHead): FoundTranscript | undefined {
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
 * A result document discovery passed over still is one while its version is the same, so it is passed over again.
 */
export async function currentTranscript(
  store: ObjectStore,
  bucket: string,
  layout: ActivityLayout,
  stem: string,
  explicitKey: string | undefined,
  passedOver: readonly PassedOver[],
): Promise<{ key: string; etag: string } | undefined> {
  const keys =
    explicitKey === undefined ? transcriptCandidates(layout, stem).map(({ key }) => key) : [explicitKey];
  for (const key of keys) {
    const head = await store.head(bucket, key);
    const passed = passedOver.some((result) => result.key === key && result.etag === head?.etag);
    if (head !== undefined && !passed) return { key, etag: head.etag };
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
  const found = await store.readBytes(bucket, key, MAX_TRANSCRIPT_BYTES);
  if (found === undefined)
    throw new InvalidInputError(`transcriptKey "${key}" does not exist in bucket ${bucket}`);
  const transcript = transcriptOf(key, classified.extension, found);
  if (transcript === undefined) {
    throw new InvalidInputError(
      `transcriptKey "${key}" is an alignment result ("version": 1 with "words" or "source"), not an activity descriptor`,
    );
  }
  return transcript;
}

/**
 * A descriptor's text, or a text file's, from bytes that must be UTF-8 text (a leading byte-order mark, which
 * Windows editors write, is dropped); undefined for a `.json` that is an alignment result.
 */
function transcriptOf(
  key: string,
  extension: (typeof TRANSCRIPT_EXTENSIONS)[number],
  found: { bytes: Uint8Array; etag: string },
): FoundTranscript | undefined {
  const text = transcriptText(found.bytes, `transcript ${key}`);
  if (extension === 'txt') {
    return { text, origin: 'text-file', key, etag: found.etag, descriptor: undefined };
  }
  const descriptor = parseActivityDescriptor(text, key);
  if (descriptor === undefined) return undefined;
  return { text: descriptor.text, origin: 'descriptor', key, etag: found.etag, descriptor };
}
