import { AlignError } from '../errors';
import { checkChannelCount, checkSampleRate } from './audio-limits';
import type { SampleEncoding } from './pcm-samples';

/** What the `fmt ` chunk says about the sample data, validated. */
export interface WavFormat {
  encoding: SampleEncoding;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
  /** ffmpeg-style codec name, e.g. `pcm_s16le`. */
  codec: string;
}

/** Size of the fixed part of `fmt ` (WAVEFORMAT + wBitsPerSample). */
export const FMT_MIN_BYTES = 16;
/** Largest `fmt ` accepted; WAVE_FORMAT_EXTENSIBLE needs 40, anything far beyond is not a real header. */
export const FMT_MAX_BYTES = 4096;

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID derived from a WAVE_FORMAT tag (mmreg.h). */
const SUBFORMAT_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
const EXTENSIBLE_BYTES = 40;

const PCM_ENCODINGS: Readonly<Record<number, SampleEncoding>> = { 8: 'u8', 16: 's16', 24: 's24', 32: 's32' };
const FLOAT_ENCODINGS: Readonly<Record<number, SampleEncoding>> = { 32: 'f32', 64: 'f64' };
const CODEC_NAMES: Readonly<Record<SampleEncoding, string>> = {
  u8: 'pcm_u8',
  s16: 'pcm_s16le',
  s24: 'pcm_s24le',
  s32: 'pcm_s32le',
  f32: 'pcm_f32le',
  f64: 'pcm_f64le',
};

function decodeError(message: string): AlignError {
  return new AlignError('AUDIO_DECODE', `WAV fmt chunk: ${message}`);
}

function formatTagName(tag: number): string {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}

/** The WAVE_FORMAT tag an extensible header's sub-format GUID stands for; throws when it is no such GUID. */
function subFormatTag(body: Uint8Array, view: DataView): number {
  const guid = body.subarray(24, 40);
  if (SUBFORMAT_GUID_TAIL.some((byte, i) => guid[i + 2] !== byte)) {
    const hex = Array.from(guid, (b) => b.toString(16).padStart(2, '0')).join('');
    throw decodeError(
      `WAVE_FORMAT_EXTENSIBLE sub-format GUID ${hex} is not supported; expected the PCM or IEEE float sub-format`,
    );
  }
  return view.getUint16(24, true);
}

function encodingFor(tag: number, bitsPerSample: number): SampleEncoding {
  const table =
    tag === WAVE_FORMAT_PCM ? PCM_ENCODINGS : tag === WAVE_FORMAT_IEEE_FLOAT ? FLOAT_ENCODINGS : undefined;
  if (table === undefined) {
    throw decodeError(
      `encoding ${formatTagName(tag)} is not supported; expected PCM (0x0001), IEEE float (0x0003) or ` +
        'WAVE_FORMAT_EXTENSIBLE (0xfffe) with one of those; convert the file, e.g. `sox in.wav -e signed -b 16 out.wav`',
    );
  }
  const encoding = table[bitsPerSample];
  if (encoding === undefined) {
    const kind = tag === WAVE_FORMAT_PCM ? 'PCM' : 'IEEE float';
    throw decodeError(
      `${bitsPerSample} bits per sample is not valid for ${kind}; expected ${Object.keys(table).join(', ')}`,
    );
  }
  return encoding;
}

/** Parses and validates a `fmt ` chunk body; throws AUDIO_DECODE naming what is wrong. */
export function parseFmtChunk(body: Uint8Array): WavFormat {
  if (body.length < FMT_MIN_BYTES) {
    throw decodeError(`${body.length} bytes is too short; it needs at least ${FMT_MIN_BYTES}`);
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let tag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bitsPerSample = view.getUint16(14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < EXTENSIBLE_BYTES) {
      throw decodeError(
        `WAVE_FORMAT_EXTENSIBLE needs ${EXTENSIBLE_BYTES} bytes but the chunk has ${body.length}`,
      );
    }
    const validBits = view.getUint16(18, true);
    if (validBits > bitsPerSample) {
      throw decodeError(`${validBits} valid bits do not fit in ${bitsPerSample}-bit samples`);
    }
    tag = subFormatTag(body, view);
  }
  checkChannelCount(channels, 'WAV fmt chunk');
  checkSampleRate(sampleRate, 'WAV fmt chunk');
  const encoding = encodingFor(tag, bitsPerSample);
  const expectedAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    throw decodeError(
      `block align ${blockAlign} does not match ${channels} channel(s) of ${bitsPerSample}-bit samples ` +
        `(expected ${expectedAlign})`,
    );
  }
  return { encoding, channels, sampleRate, blockAlign, codec: CODEC_NAMES[encoding] };
}

/** The 64-bit data size from an RF64/BW64 `ds64` chunk body (bytes 8..15); throws when implausible. */
export function parseDs64DataSize(body: Uint8Array): number {
  if (body.length < 16)
    throw new AlignError('AUDIO_DECODE', `RF64 ds64 chunk of ${body.length} bytes is too short`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const size = view.getBigUint64(8, true);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AlignError('AUDIO_DECODE', `RF64 ds64 chunk declares an impossible data size of ${size} bytes`);
  }
  return Number(size);
}
