import { AlignError } from '../errors';
import type { ActivityLayout } from './activity-layout';
import type { ObjectStore } from './object-store';
import { currentTranscript, type FoundTranscript, type PassedOver } from './transcript-discovery';

/** The inputs an activity read, at the versions it read them. */
export interface ReadSources {
  bucket: string;
  key: string;
  stem: string;
  audioEtag: string;
  transcript: FoundTranscript | undefined;
  /** The rerun's explicit transcript key, which replaces discovery. */
  transcriptKey: string | undefined;
  /** The result documents discovery passed over as descriptors. */
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
    currentTranscript(store, read.bucket, layout, read.stem, read.transcriptKey, read.passedOver),
  ]);
  if (audio?.etag !== read.audioEtag) return 'audio';
  if (transcript?.key !== read.transcript?.key || transcript?.etag !== read.transcript?.etag) {
    return 'transcript';
  }
  return undefined;
}

/**
 * An input changed while its activity ran, so the activity must read its inputs again: retryable, and the
 * user's (INVALID_INPUT) should it keep changing through every retry, since nothing in the system failed.
 */
export class SourceChangedError extends AlignError {
  public constructor(message: string) {
    super('INVALID_INPUT', message, { retryable: true });
    this.name = 'SourceChangedError';
  }
}
