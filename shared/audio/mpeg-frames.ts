import { COMPLETE, type StreamEnd, type StreamEndCheck } from './stream-end';

/** What an MPEG audio frame header (ISO 11172-3 / 13818-3, with MPEG 2.5) says. */
export interface MpegHeader {
  /** The header bits every frame of one stream shares: sync, version, layer and sample rate. */
  signature: number;
  /** Whole frame length, header included; undefined for free-format bitrate, where only decoding tells. */
  frameBytes: number | undefined;
  samplesPerFrame: number;
  sampleRate: number;
  channels: number;
  layer: 1 | 2 | 3;
  mpeg1: boolean;
}

const SIGNATURE_MASK = 0xfffe0c00;
const EMPTY = new Uint8Array(0);

/** kbit/s by bitrate index, for [MPEG-1, MPEG-2/2.5] × [layer I, II, III]. */
const BITRATES: readonly (readonly (readonly number[])[])[] = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
/** Hz by sample-rate index, for version bits 0 (MPEG 2.5), 2 (MPEG-2) and 3 (MPEG-1). */
const SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

/** Parses a 32-bit frame header (big-endian); undefined when it is not one (no sync, reserved values). */
export function parseMpegHeader(header: number): MpegHeader | undefined {
  if (header >>> 21 !== 0x7ff) return undefined;
  const version = (header >>> 19) & 0x03;
  const layerBits = (header >>> 17) & 0x03;
  const bitrateIndex = (header >>> 12) & 0x0f;
  const sampleRate = SAMPLE_RATES[version]?.[(header >>> 10) & 0x03];
  // Reserved values; layer 0 is also where AAC ADTS headers (0xFFF1/0xFFF9) land.
  if (sampleRate === undefined || layerBits === 0 || bitrateIndex === 15) return undefined;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const mpeg1 = version === 3;
  const kbps = BITRATES[mpeg1 ? 0 : 1]?.[layer - 1]?.[bitrateIndex] ?? 0;
  const padding = (header >>> 9) & 0x01;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  // Layer I counts in 4-byte slots; the others in bytes: samples / 8 bits × bitrate / rate.
  const frameBytes =
    kbps === 0
      ? undefined
      : layer === 1
        ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4
        : Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + padding;
  return {
    signature: (header & SIGNATURE_MASK) >>> 0,
    frameBytes,
    samplesPerFrame,
    sampleRate,
    channels: ((header >>> 6) & 0x03) === 3 ? 1 : 2,
    layer,
    mpeg1,
  };
}

function uint32At(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
}

function asciiAt(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** The totals an encoder wrote into the stream's first frame, which carries no audio. */
interface VbrTag {
  name: string;
  /** Audio frames after the tag frame. */
  frames: number | undefined;
  /** Bytes of all frames, the tag frame included. */
  bytes: number | undefined;
}

/** A tag whose totals are 0 (an encoder that could not seek back to fill them in) declares nothing. */
function knownTotals(
  name: string,
  frames: number | undefined,
  bytes: number | undefined,
): VbrTag | undefined {
  const tag = { name, frames: frames || undefined, bytes: bytes || undefined };
  return tag.frames === undefined && tag.bytes === undefined ? undefined : tag;
}

/**
 * Reads a Xing/Info (LAME and most encoders) or VBRI (Fraunhofer) tag from a whole first frame. Xing sits
 * after the side information, VBRI always 32 bytes after the header; both count the audio frames after
 * their own, as ffmpeg and mpg123 read them.
 */
function vbrTag(frame: Uint8Array, header: MpegHeader): VbrTag | undefined {
  if (header.layer !== 3) return undefined;
  const sideInfo = header.mpeg1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = 4 + sideInfo;
  const xingName = asciiAt(frame, xing, 4);
  if ((xingName === 'Xing' || xingName === 'Info') && frame.length >= xing + 8) {
    const flags = uint32At(frame, xing + 4);
    let field = xing + 8;
    const next = (present: boolean): number | undefined => {
      if (!present || frame.length < field + 4) return undefined;
      field += 4;
      return uint32At(frame, field - 4);
    };
    const frames = next((flags & 0x01) !== 0);
    return knownTotals(xingName, frames, next((flags & 0x02) !== 0));
  }
  const vbri = 4 + 32;
  if (asciiAt(frame, vbri, 4) === 'VBRI' && frame.length >= vbri + 18) {
    return knownTotals('VBRI', uint32At(frame, vbri + 14), uint32At(frame, vbri + 10));
  }
  return undefined;
}

function seconds(frames: number, header: MpegHeader): string {
  return `${((frames * header.samplesPerFrame) / header.sampleRate).toFixed(2)} s`;
}

/**
 * Walks MPEG audio frames by their headers. A Xing/Info or VBRI tag declares how many frames follow, so
 * fewer proves the file cut short. Without one (plain CBR, piped encodes) only a last frame shorter than its
 * header says hints at a cut, and how much is missing cannot be known. Bytes that are no frame (an ID3v1 or
 * APE tag at the end, damage) are skipped up to the next two consecutive frame headers.
 */
export class MpegFrameCheck implements StreamEndCheck {
  /** Bytes not yet judged: an incomplete frame, or a candidate header whose successor is still to come. */
  private carry: Uint8Array = EMPTY;
  private first: MpegHeader | undefined;
  private tag: VbrTag | undefined;
  /** Complete frames, the tag frame included, and their bytes. */
  private frames = 0;
  private frameBytes = 0;
  /** Bytes passed over between frames. */
  private skipped = 0;
  /** True at the start and right after a complete frame, where the next frame must begin. */
  private chained = true;
  /** Free-format bitrate: frame lengths are unknown, so nothing can be judged. */
  private freeFormat = false;

  public push(bytes: Uint8Array): void {
    const data = this.carry.length === 0 ? bytes : concat(this.carry, bytes);
    this.carry = data.slice(this.walk(data, false));
  }

  public finish(): StreamEnd {
    const data = this.carry;
    this.carry = EMPTY;
    const rest = data.subarray(this.walk(data, true));
    if (this.freeFormat || this.first === undefined) return COMPLETE;
    const { first, tag } = this;
    if (tag?.frames !== undefined && this.frames - 1 < tag.frames) {
      const present = this.frames - 1;
      const damaged = this.skipped > 0 ? ` (${this.skipped} bytes between them are not frames: damage)` : '';
      return {
        complete: false,
        certain: true,
        reason:
          `its ${tag.name} header declares ${tag.frames} MPEG frames (${seconds(tag.frames, first)}) ` +
          `but only ${present} (${seconds(present, first)}) are present${damaged}`,
      };
    }
    if (tag?.frames === undefined && tag?.bytes !== undefined && this.frameBytes < tag.bytes) {
      return {
        complete: false,
        certain: true,
        reason: `its ${tag.name} header declares ${tag.bytes} bytes of MPEG frames but only ${this.frameBytes} are present`,
      };
    }
    const cut = this.chained && tag === undefined ? this.cutFrame(rest) : undefined;
    if (cut === undefined) return COMPLETE;
    return {
      complete: false,
      certain: false,
      reason:
        `it ends inside an MPEG frame (${cut}), so it was probably cut short; it has no Xing/Info or VBRI ` +
        'header to tell how much audio is missing',
    };
  }

  /** How the bytes after the last complete frame read as a cut frame, or undefined when they are no frame. */
  private cutFrame(rest: Uint8Array): string | undefined {
    if (rest.length === 0) return undefined;
    if (rest.length < 4) {
      const syncByte = rest[0] === 0xff && (rest.length < 2 || ((rest[1] as number) & 0xe0) === 0xe0);
      return syncByte ? `${rest.length} bytes of its 4-byte header present` : undefined;
    }
    const header = this.headerAt(rest, 0);
    return header?.frameBytes === undefined
      ? undefined
      : `${rest.length} of its ${header.frameBytes} bytes present`;
  }

  /** The frame header at `at` when it is one and belongs to this stream. */
  private headerAt(data: Uint8Array, at: number, signature = this.first?.signature): MpegHeader | undefined {
    const header = parseMpegHeader(uint32At(data, at));
    return header === undefined || (signature !== undefined && header.signature !== signature)
      ? undefined
      : header;
  }

  /** Consumes whole frames from `data`; returns where the bytes still to be judged begin. */
  private walk(data: Uint8Array, atEnd: boolean): number {
    let at = 0;
    while (!this.freeFormat) {
      if (!this.chained) {
        const found = this.search(data, at, atEnd);
        this.skipped += (found.frame ?? found.from) - at;
        if (found.frame === undefined) return found.from;
        at = found.frame;
        this.chained = true;
      }
      if (data.length - at < 4) return at;
      const header = this.headerAt(data, at);
      if (header === undefined) {
        this.chained = false;
        continue;
      }
      if (header.frameBytes === undefined) {
        this.freeFormat = true;
        break;
      }
      if (at + header.frameBytes > data.length) return at;
      if (this.first === undefined) {
        this.first = header;
        this.tag = vbrTag(data.subarray(at, at + header.frameBytes), header);
      }
      this.frames++;
      this.frameBytes += header.frameBytes;
      at += header.frameBytes;
    }
    return data.length;
  }

  /**
   * The next frame after bytes that are none: a header followed, one frame length on, by another of the same
   * stream (or, at the end, by nothing), so a chance sync pattern in a tag is not taken for a frame.
   */
  private search(data: Uint8Array, from: number, atEnd: boolean): { frame?: number; from: number } {
    for (let at = from; at + 4 <= data.length; at++) {
      if (data[at] !== 0xff) continue;
      const header = this.headerAt(data, at);
      if (header?.frameBytes === undefined) continue;
      const next = at + header.frameBytes;
      if (next + 4 > data.length) {
        if (!atEnd) return { from: at };
        if (next === data.length) return { frame: at, from: at };
        continue;
      }
      if (this.headerAt(data, next, header.signature) !== undefined) return { frame: at, from: at };
    }
    // A header may straddle this block and the next.
    return { from: Math.max(from, data.length - 3) };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
