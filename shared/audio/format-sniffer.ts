import { AlignError } from '../errors';
import { parseMpegHeader } from './mpeg-frames';
import { pageBodyStart } from './ogg-pages';

/** Codecs an Ogg stream may carry that the decoders handle. */
export type OggCodec = 'vorbis' | 'opus' | 'flac';

/** A recognised container, with what its first bytes already tell. */
export type SniffedFormat =
  | { format: 'wav' }
  | { format: 'flac' }
  | { format: 'mp3'; channels?: number }
  | { format: 'ogg'; codec: OggCodec };

/** Bytes to peek at to recognise any supported format (first Ogg page header, segment table, codec id). */
export const SNIFF_BYTES = 27 + 255 + 8;
/** Bytes of an ID3v2 tag header. */
export const ID3_HEADER_BYTES = 10;

const OGG_CODEC_IDS: readonly { id: readonly number[]; codec: OggCodec }[] = [
  { id: [0x01, ...ascii('vorbis')], codec: 'vorbis' },
  { id: ascii('OpusHead'), codec: 'opus' },
  { id: [0x7f, ...ascii('FLAC')], codec: 'flac' },
];

/** The RIFF-style containers of WAV: RIFF, and its 64-bit forms RF64 and BW64. */
const RIFF_IDS: readonly (readonly number[])[] = [ascii('RIFF'), ascii('RF64'), ascii('BW64')];

/** Formats people upload that are not supported, so the error can name them (and the codecs they carry). */
const KNOWN_UNSUPPORTED: readonly { at: number; magic: readonly number[]; name: string; codecs?: string }[] =
  [
    { at: 4, magic: ascii('ftyp'), name: 'MP4/M4A', codecs: 'AAC or ALAC' },
    { at: 0, magic: ascii('FORM'), name: 'AIFF' },
    { at: 0, magic: [0x1a, 0x45, 0xdf, 0xa3], name: 'WebM/Matroska' },
    { at: 0, magic: ascii('caff'), name: 'Core Audio (CAF)' },
    { at: 0, magic: ascii('#!AMR'), name: 'AMR' },
  ];

const MP3_HINTS = new Set(['mp3', 'mp2', 'mpga', 'mpeg']);

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

/** Length of a leading ID3v2 tag (header, body and footer), or 0 when the bytes do not start with one. */
export function id3v2TagSize(head: Uint8Array): number {
  if (!startsWith(head, 0, ascii('ID3')) || head.length < ID3_HEADER_BYTES) return 0;
  const flags = new DataView(head.buffer, head.byteOffset, ID3_HEADER_BYTES).getUint8(5);
  const sizeBytes = head.subarray(6, 10);
  if (sizeBytes.some((b) => b > 0x7f)) return 0;
  // A synchsafe integer: four 7-bit bytes, most significant first.
  const size = sizeBytes.reduce((sum, b) => (sum << 7) | b, 0);
  const footer = (flags & 0x10) !== 0 ? ID3_HEADER_BYTES : 0;
  return ID3_HEADER_BYTES + size + footer;
}

/** Channel count of the MPEG audio frame header at the start of `head`, or undefined when there is none. */
export function mpegFrameChannels(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  return parseMpegHeader(new DataView(head.buffer, head.byteOffset, 4).getUint32(0))?.channels;
}

function sniffOgg(head: Uint8Array): SniffedFormat {
  const packetStart = pageBodyStart(head);
  const match = OGG_CODEC_IDS.find(({ id }) => startsWith(head, packetStart, id));
  if (match === undefined) {
    const id = Array.from(head.subarray(packetStart, packetStart + 8), (b) =>
      b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
    ).join('');
    throw new AlignError(
      'AUDIO_DECODE',
      `Ogg stream carries an unsupported codec (first packet starts "${id}"); expected Vorbis, Opus or FLAC`,
    );
  }
  return { format: 'ogg', codec: match.codec };
}

/**
 * Recognises the container from its magic bytes (after any ID3v2 tag has been skipped). The extension hint is
 * consulted only when the bytes are inconclusive, which happens for raw MPEG audio starting with junk.
 */
export function sniffFormat(head: Uint8Array, formatHint?: string): SniffedFormat {
  const riff = RIFF_IDS.some((id) => startsWith(head, 0, id));
  if (riff && head.length < 12) {
    throw new AlignError(
      'AUDIO_DECODE',
      `WAV file is truncated: it ends after ${head.length} bytes, inside the RIFF header`,
    );
  }
  if (riff && startsWith(head, 8, ascii('WAVE'))) return { format: 'wav' };
  if (startsWith(head, 0, ascii('fLaC'))) return { format: 'flac' };
  if (startsWith(head, 0, ascii('OggS'))) return sniffOgg(head);
  const channels = mpegFrameChannels(head);
  if (channels !== undefined) return { format: 'mp3', channels };
  const hint = formatHint?.toLowerCase().replace(/^\./, '');
  if (hint !== undefined && MP3_HINTS.has(hint) && head.length > 0) return { format: 'mp3' };
  throw unrecognisedError(head);
}

/**
 * The audio format a file's first bytes name, supported or not ('WAV', 'MP3', 'MP4/M4A', 'AIFF'...), or undefined
 * when they name none. It never throws, so that readers of other files (a transcript's) can say that what they
 * were given looks like audio.
 */
export function audioFormatName(head: Uint8Array): string | undefined {
  if (RIFF_IDS.some((id) => startsWith(head, 0, id)) && startsWith(head, 8, ascii('WAVE'))) return 'WAV';
  if (startsWith(head, 0, ascii('fLaC'))) return 'FLAC';
  if (startsWith(head, 0, ascii('OggS'))) return 'Ogg';
  if (startsWith(head, 0, ascii('ID3')) || mpegFrameChannels(head) !== undefined) return 'MP3';
  return knownUnsupported(head)?.name;
}

function knownUnsupported(head: Uint8Array): (typeof KNOWN_UNSUPPORTED)[number] | undefined {
  return KNOWN_UNSUPPORTED.find(({ at, magic }) => startsWith(head, at, magic));
}

function unrecognisedError(head: Uint8Array): AlignError {
  if (head.length === 0) return new AlignError('AUDIO_DECODE', 'audio file is empty (0 bytes)');
  const known = knownUnsupported(head);
  const expected = 'expected WAV, FLAC, MP3 or Ogg (Vorbis/Opus/FLAC)';
  if (known !== undefined) {
    const codecs = known.codecs === undefined ? '' : ` (${known.codecs})`;
    return new AlignError(
      'AUDIO_DECODE',
      `${known.name}${codecs} audio is not supported; ${expected}, e.g. convert to WAV`,
    );
  }
  const hex = Array.from(head.subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new AlignError('AUDIO_DECODE', `not a recognised audio format (first bytes: ${hex}); ${expected}`);
}
