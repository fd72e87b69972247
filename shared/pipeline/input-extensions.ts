/**
 * Audio extensions the pipeline processes (lower case), on S3, in `align-dir` and in the bulk rerun; the decoder
 * sniffs the real format, so the extension only says "this is audio".
 */
export const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'opus'] as const;
/** Transcript extensions, in discovery order (first found wins): the activity descriptor, then plain text. */
export const TRANSCRIPT_EXTENSIONS = ['json', 'txt'] as const;

/** Whether the last segment of a `/`-separated key ends in one of the audio extensions, in any case. */
export function hasAudioExtension(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && (AUDIO_EXTENSIONS as readonly string[]).includes(name.slice(dot + 1).toLowerCase());
}
