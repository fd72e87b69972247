/*
 * One streaming interface over the WASM decoders from npm (`@wasm-audio-decoders/flac`,
 * `@wasm-audio-decoders/ogg-vorbis`, `mpg123-decoder`, `ogg-opus-decoder`): pure WebAssembly embedded in
 * JavaScript, no native build and nothing fetched at install or run time. Each is loaded on first use so a
 * cold start that only sees WAV pays for none of them.
 */

import type { AudioFormat } from './audio-types';

/** Compressed codecs with a decoder. */
export type CompressedCodec = 'flac' | 'mp3' | 'vorbis' | 'opus';

/** Planar float samples one decode call produced. */
export interface DecodedChunk {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: readonly { message: string }[];
}

/** A decoder fed the file's bytes in order, in blocks of any size. */
export interface StreamingDecoder {
  decode(bytes: Uint8Array): Promise<DecodedChunk>;
  /** Bytes to `decode` after the input's last byte and before `flush`, when the decoder needs them to see the end. */
  readonly endPadding?: Uint8Array;
  /** Decodes what the decoder still buffers at end of input. */
  flush(): Promise<DecodedChunk>;
  /** Releases the WASM memory; the decoder is unusable afterwards. */
  free(): void;
}

const NOTHING: DecodedChunk = { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: [] };

/**
 * Zeros fed after a native FLAC stream. The FLAC decoder's frame parser cuts a frame only once it has read the
 * next frame's header, and its flush loses the last frame two ways: one shorter than that look-ahead (16 bytes;
 * digital silence encodes to 11-13) goes to libFLAC joined to the frame before, of which libFLAC decodes only the
 * first; and a sync search that stops exactly at the end (after a 0xFF just before the closing CRC-16) waits for
 * input that never comes. Behind the zeros the last header is read and the search stops short of the end; the
 * last frame then carries the zeros, which keep its CRC-16 valid (zeros leave a zero remainder zero) and which
 * libFLAC ignores.
 */
const FLAC_END_PADDING = new Uint8Array(64);

async function openFlac(container: AudioFormat): Promise<StreamingDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  return {
    decode: (bytes) => decoder.decode(bytes),
    // Ogg FLAC arrives as whole packets in pages, which the parser cuts without looking ahead.
    ...(container === 'flac' ? { endPadding: FLAC_END_PADDING } : {}),
    flush: () => decoder.flush(),
    free: () => decoder.free(),
  };
}

async function openVorbis(): Promise<StreamingDecoder> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  return {
    decode: (bytes) => decoder.decode(bytes),
    flush: () => decoder.flush(),
    free: () => decoder.free(),
  };
}

async function openMpeg(): Promise<StreamingDecoder> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder();
  await decoder.ready;
  return {
    decode: async (bytes) => decoder.decode(bytes),
    // mpg123 emits every complete frame as it is fed; nothing is held back at the end.
    flush: async () => NOTHING,
    free: () => decoder.free(),
  };
}

async function openOpus(): Promise<StreamingDecoder> {
  const { OggOpusDecoder } = await import('ogg-opus-decoder');
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  return {
    decode: async (bytes) => decoder.decode(bytes),
    flush: () => decoder.flush(),
    free: () => decoder.free(),
  };
}

const OPENERS: Readonly<Record<CompressedCodec, (container: AudioFormat) => Promise<StreamingDecoder>>> = {
  flac: openFlac,
  mp3: openMpeg,
  vorbis: openVorbis,
  opus: openOpus,
};

/** Loads and instantiates the decoder for `codec` in `container`. */
export function openDecoder(codec: CompressedCodec, container: AudioFormat): Promise<StreamingDecoder> {
  return OPENERS[codec](container);
}
