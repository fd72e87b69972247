/** Container formats the decoder recognises from their magic bytes. */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg';

/** How to decode: target rate, limits and the per-step timeout (docs/configuration.md `AUDIO_READ_TIMEOUT_SEC`). */
export interface DecodeOptions {
  /** The model's sample rate, e.g. 16000. */
  targetSampleRate: number;
  /** Longer audio fails with AUDIO_TOO_LONG, checked from headers and while decoding. */
  maxDurationSec: number;
  /** Bounds each read and each decode step (not the whole file, which scales with its length); TIMEOUT. */
  timeoutMs: number;
  /** Files at or above this size are read in fixed-size blocks instead of whole (`AUDIO_MMAP_THRESHOLD_BYTES`). */
  streamThresholdBytes?: number;
  /** File extension, consulted only when the magic bytes are inconclusive (raw MPEG audio). */
  formatHint?: string;
}

/** What the source was before decoding. */
export interface AudioInfo {
  /** Source duration in seconds (frames / source sample rate). */
  durationSec: number;
  /** Source sample rate in Hz. */
  sampleRate: number;
  /** Source channel count. */
  channels: number;
  format: AudioFormat;
  /** Encoding inside the container, e.g. `pcm_s16le`, `pcm_f32le`, `flac`, `mp3`, `vorbis`, `opus`. */
  codec: string;
}

/** Mono float32 samples at the target rate, plus what the source was. */
export interface DecodedAudio {
  samples: Float32Array;
  /** Equals the requested target sample rate. */
  sampleRate: number;
  info: AudioInfo;
  /** What the decoder doubts about the audio without failing (a possibly cut MP3, data it skipped); for the result. */
  warnings: string[];
}
