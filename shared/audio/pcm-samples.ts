import { AlignError } from '../errors';

/** Little-endian sample encodings found in WAV data: unsigned 8-bit, signed 16/24/32-bit, float 32/64-bit. */
export type SampleEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

type SampleReader = (view: DataView, offset: number) => number;

const BYTES: Readonly<Record<SampleEncoding, number>> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };

/** Each reader maps the full integer range onto [-1, 1). */
const READERS: Readonly<Record<SampleEncoding, SampleReader>> = {
  u8: (view, offset) => (view.getUint8(offset) - 128) / 128,
  s16: (view, offset) => view.getInt16(offset, true) / 32768,
  s24: (view, offset) =>
    ((view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getInt8(offset + 2) << 16)) >> 0) /
    8388608,
  s32: (view, offset) => view.getInt32(offset, true) / 2147483648,
  f32: (view, offset) => view.getFloat32(offset, true),
  f64: (view, offset) => view.getFloat64(offset, true),
};

/**
 * Converts whole interleaved frames to mono float32, averaging the channels. Float input must be finite:
 * a NaN or infinity would poison every model frame it touches, so it fails here with its position.
 */
export function interleavedToMono(
  bytes: Uint8Array,
  encoding: SampleEncoding,
  channels: number,
  firstFrame: number,
): Float32Array {
  const width = BYTES[encoding];
  const frames = Math.floor(bytes.length / (width * channels));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = READERS[encoding];
  const mono = new Float32Array(frames);
  const scale = 1 / channels;
  let offset = 0;
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      sum += read(view, offset);
      offset += width;
    }
    mono[frame] = sum * scale;
  }
  if (encoding === 'f32' || encoding === 'f64') checkFinite(mono, firstFrame);
  return mono;
}

function checkFinite(mono: Float32Array, firstFrame: number): void {
  for (let i = 0; i < mono.length; i++) {
    const sample = mono[i] as number;
    // x - x is 0 for every finite x and NaN for NaN and both infinities; cheaper than Number.isFinite per sample.
    if (sample - sample !== 0) {
      throw new AlignError(
        'AUDIO_DECODE',
        `WAV float sample data holds ${sample} at frame ${firstFrame + i}; samples must be finite numbers`,
      );
    }
  }
}
