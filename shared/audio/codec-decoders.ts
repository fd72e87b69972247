/*
 * One streaming interface over the WASM decoders from npm (`@wasm-audio-decoders/flac`,
 * `@wasm-audio-decoders/ogg-vorbis`, `mpg123-decoder`, `ogg-opus-decoder`): pure WebAssembly embedded in
 * JavaScript, no native build and nothing fetched at install or run time. Each is loaded on first use so a
 * cold start that only sees WAV pays for none of them.
 */

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
  /** Decodes what the decoder still buffers at end of input. */
  flush(): Promise<DecodedChunk>;
  /** Releases the WASM memory; the decoder is unusable afterwards. */
  free(): void;
}

const NOTHING: DecodedChunk = { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: [] };

async function openFlac(): Promise<StreamingDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  return {
    decode: (bytes) => decoder.decode(bytes),
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

const OPENERS: Readonly<Record<CompressedCodec, () => Promise<StreamingDecoder>>> = {
  flac: openFlac,
  mp3: openMpeg,
  vorbis: openVorbis,
  opus: openOpus,
};

/** Loads and instantiates the decoder for `codec`. */
export function openDecoder(codec: CompressedCodec): Promise<StreamingDecoder> {
  return OPENERS[codec]();
}
