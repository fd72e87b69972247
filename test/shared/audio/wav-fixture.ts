/** Builds WAV files byte by byte so every header variant (and every broken one) can be made in a test. */

export type Encoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const WIDTH: Record<Encoding, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };
const PCM_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export interface FmtSpec {
  tag?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign?: number;
  /** WAVE_FORMAT_EXTENSIBLE with this sub-format tag (1 PCM, 3 float). */
  extensibleSubFormat?: number;
  validBits?: number;
  /** Replaces the sub-format GUID bytes 2..15. */
  guidTail?: number[];
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function u16(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff];
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Concatenates byte arrays. */
export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A RIFF chunk: id, size (or `declaredSize`), body, and the pad byte after an odd-sized body. */
export function chunk(id: string, body: Uint8Array | number[], declaredSize?: number): Uint8Array {
  const pad = body.length % 2 === 1 ? [0] : [];
  return concat(ascii(id.padEnd(4, ' ')), u32(declaredSize ?? body.length), body, pad);
}

/** A chunk of odd size written without its pad byte, as some writers do. */
export function unpaddedChunk(id: string, body: Uint8Array | number[]): Uint8Array {
  return concat(ascii(id.padEnd(4, ' ')), u32(body.length), body);
}

/** A `fmt ` chunk body for `spec`. */
export function fmtBody(spec: FmtSpec): Uint8Array {
  const blockAlign = spec.blockAlign ?? spec.channels * (spec.bitsPerSample / 8);
  const tag = spec.extensibleSubFormat === undefined ? (spec.tag ?? 1) : 0xfffe;
  const base = [
    ...u16(tag),
    ...u16(spec.channels),
    ...u32(spec.sampleRate),
    ...u32(spec.sampleRate * blockAlign),
    ...u16(blockAlign),
    ...u16(spec.bitsPerSample),
  ];
  if (spec.extensibleSubFormat === undefined) return Uint8Array.from(base);
  return Uint8Array.from([
    ...base,
    ...u16(22),
    ...u16(spec.validBits ?? spec.bitsPerSample),
    ...u32(0),
    ...u16(spec.extensibleSubFormat),
    ...(spec.guidTail ?? PCM_GUID_TAIL),
  ]);
}

/** Encodes interleaved samples in [-1, 1] as little-endian `encoding` (integers rounded and clipped). */
export function encodeSamples(samples: ArrayLike<number>, encoding: Encoding): Uint8Array {
  const width = WIDTH[encoding];
  const out = new Uint8Array(samples.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    const at = i * width;
    const int = (bits: number) =>
      Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(x * 2 ** (bits - 1))));
    if (encoding === 'u8') view.setUint8(at, int(8) + 128);
    else if (encoding === 's16') view.setInt16(at, int(16), true);
    else if (encoding === 's24') {
      const v = int(24);
      view.setUint8(at, v & 0xff);
      view.setUint8(at + 1, (v >> 8) & 0xff);
      view.setInt8(at + 2, v >> 16);
    } else if (encoding === 's32') view.setInt32(at, int(32), true);
    else if (encoding === 'f32') view.setFloat32(at, x, true);
    else view.setFloat64(at, x, true);
  }
  return out;
}

export interface WavSpec {
  fmt: FmtSpec;
  data: Uint8Array;
  /** Chunks placed before `fmt `. */
  before?: Uint8Array[];
  /** Chunks between `fmt ` and `data`. */
  between?: Uint8Array[];
  /** Chunks after `data`. */
  after?: Uint8Array[];
  /** Size written in the data chunk header instead of the real one. */
  dataSize?: number;
  /** Puts `data` before `fmt `. */
  dataFirst?: boolean;
}

/** A complete RIFF/WAVE file. */
export function buildWav(spec: WavSpec): Uint8Array {
  const fmt = chunk('fmt ', fmtBody(spec.fmt));
  const data = chunk('data', spec.data, spec.dataSize);
  const middle = [...(spec.between ?? [])];
  const ordered = spec.dataFirst
    ? [...(spec.before ?? []), data, ...middle, fmt, ...(spec.after ?? [])]
    : [...(spec.before ?? []), fmt, ...middle, data, ...(spec.after ?? [])];
  const body = concat(ascii('WAVE'), ...ordered);
  return concat(ascii('RIFF'), u32(body.length), body);
}

/** An RF64 file whose sizes live in a `ds64` chunk. */
export function buildRf64(fmt: FmtSpec, data: Uint8Array): Uint8Array {
  const ds64 = chunk('ds64', [
    ...u32(0),
    ...u32(0),
    ...u32(data.length),
    ...u32(0),
    ...u32(0),
    ...u32(0),
    ...u32(0),
  ]);
  const body = concat(ascii('WAVE'), ds64, chunk('fmt ', fmtBody(fmt)), chunk('data', data, 0xffffffff));
  return concat(ascii('RF64'), u32(0xffffffff), body);
}

/** `count` frames of a sine at `frequency`, interleaved over `channels` with `gains` per channel. */
export function sine(
  count: number,
  frequency: number,
  sampleRate: number,
  gains: number[] = [0.5],
): Float64Array {
  const out = new Float64Array(count * gains.length);
  for (let i = 0; i < count; i++) {
    const value = Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    for (const [c, gain] of gains.entries()) out[i * gains.length + c] = value * gain;
  }
  return out;
}

/** RMS of `samples` between the given fractions of its length (skips filter edges). */
export function rms(samples: ArrayLike<number>, from = 0.1, to = 0.9): number {
  const start = Math.floor(samples.length * from);
  const end = Math.floor(samples.length * to);
  let sum = 0;
  for (let i = start; i < end; i++) {
    const x = samples[i]!;
    sum += x * x;
  }
  return Math.sqrt(sum / Math.max(1, end - start));
}

/** Amplitude of the `frequency` component (Goertzel), over the middle of the signal. */
export function toneAmplitude(samples: ArrayLike<number>, frequency: number, sampleRate: number): number {
  const start = Math.floor(samples.length * 0.1);
  const end = Math.floor(samples.length * 0.9);
  let re = 0;
  let im = 0;
  for (let i = start; i < end; i++) {
    const phase = (2 * Math.PI * frequency * i) / sampleRate;
    const x = samples[i]!;
    re += x * Math.cos(phase);
    im += x * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / (end - start);
}
