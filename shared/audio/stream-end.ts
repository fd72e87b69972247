/** What a container walk concluded about how the stream ends. */
export type StreamEnd =
  | { complete: true }
  /** `certain`: the container proves data is missing (AUDIO_DECODE); otherwise it only suggests it (a warning). */
  | { complete: false; certain: boolean; reason: string };

/** Watches the bytes handed to a decoder and judges, at the end, whether the stream was complete. */
export interface StreamEndCheck {
  /** Takes the next bytes of the stream, in order; keeps at most a frame's worth of them. */
  push(bytes: Uint8Array): void;
  /** Judges the end once every byte has been pushed. */
  finish(): StreamEnd;
}

/** The verdict for a stream whose end shows nothing missing. */
export const COMPLETE: StreamEnd = { complete: true };
