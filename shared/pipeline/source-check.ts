import type { ActivityLayout, ClassifiedAudio } from './activity-layout';
import type { ObjectHead, ObjectStore } from './object-store';
import { currentTranscript, type FoundTranscript, type PassedOver } from './transcript-discovery';

/** The inputs an activity read, at the versions it read them (what an `AudioRequest` carries of them). */
export interface ReadSources {
  bucket: string;
  key: string;
  /** The audio key classified: its stem finds the transcript. */
  audio: Pick<ClassifiedAudio, 'stem'>;
  /** The audio's head as read: its ETag is the version aligned. */
  head: Pick<ObjectHead, 'etag'>;
  /** The transcript discovery found (or the rerun named); undefined: transcribe mode. */
  transcript: FoundTranscript | undefined;
  /** The rerun's explicit transcript key, which replaces discovery. */
  transcriptKey: string | undefined;
  /** Result documents discovery passed over as descriptors (each a warning in the result). */
  passedOver: readonly PassedOver[];
}

/**
 * Which input has moved on since the activity read it: `audio` (another version, or none), `transcript`
 * (another version, or discovery would now take another one, or none), or undefined when both are current.
 * Another Lambda may be aligning the newer version at the same time, so this decides who may commit a result.
 */
export async function changedSource(
  store: ObjectStore,
  layout: ActivityLayout,
  read: ReadSources,
): Promise<'audio' | 'transcript' | undefined> {
  const [audio, transcript] = await Promise.all([
    store.head(read.bucket, read.key),
    currentTranscript(store, read.bucket, layout, read.audio.stem, read.transcriptKey, read.passedOver),
  ]);
  if (audio?.etag !== read.head.etag) return 'audio';
  if (transcript?.key !== read.transcript?.key || transcript?.etag !== read.transcript?.etag) {
    return 'transcript';
  }
  return undefined;
}
