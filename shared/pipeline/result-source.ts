import type { ResultSource } from '../output/result';
import type { ObjectHead, ObjectStore } from './object-store';

/** A transcript's key and version, when the activity has one from a file (not from metadata). */
export interface TranscriptVersion {
  key: string | undefined;
  etag: string | undefined;
}

/**
 * The `source` block of a result or failure record: where the audio and its transcript are (bucket and key in
 * S3, file paths in a folder) and the versions read, which the up-to-date check compares. Without a head (the
 * audio could not be read) it names the audio only.
 */
export function sourceOf(
  store: ObjectStore,
  audio: { bucket: string; key: string; head: ObjectHead | undefined },
  transcript?: TranscriptVersion,
): ResultSource {
  const location = store.locate(audio.bucket, audio.key);
  if (audio.head === undefined) return location;
  const text = transcript?.key === undefined ? undefined : store.locate(audio.bucket, transcript.key);
  return {
    ...location,
    etag: audio.head.etag,
    size: audio.head.size,
    ...(text === undefined
      ? {}
      : 'path' in text
        ? { transcriptPath: text.path }
        : { transcriptKey: text.key }),
    ...(transcript?.etag === undefined ? {} : { transcriptEtag: transcript.etag }),
  };
}
