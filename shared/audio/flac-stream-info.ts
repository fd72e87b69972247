import { pageBodyStart } from './ogg-pages';

/** What a native FLAC file's STREAMINFO block declares. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  /** Samples per channel; 0 when the encoder did not know (a piped encode). */
  totalSamples: number;
}

/** Bytes from the start of a FLAC file to the end of its STREAMINFO block. */
export const FLAC_STREAMINFO_END = 4 + 4 + 34;

/** Reads STREAMINFO, which the format requires as the first metadata block; undefined when it is not there. */
export function parseFlacStreamInfo(head: Uint8Array): FlacStreamInfo | undefined {
  if (head.length < FLAC_STREAMINFO_END) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, FLAC_STREAMINFO_END);
  if ((view.getUint8(4) & 0x7f) !== 0) return undefined;
  // STREAMINFO starts at byte 8; its fields are big-endian and not byte-aligned.
  const rateAndChannels = view.getUint32(8 + 10);
  const sampleRate = rateAndChannels >>> 12;
  const channels = ((rateAndChannels >>> 9) & 0x07) + 1;
  const totalHigh = view.getUint8(8 + 13) & 0x0f;
  const totalLow = view.getUint32(8 + 14);
  return { sampleRate, channels, totalSamples: totalHigh * 2 ** 32 + totalLow };
}

/** Bytes of an Ogg FLAC first packet before its "fLaC" and STREAMINFO: 0x7F "FLAC", version, header count. */
const OGG_FLAC_PREFIX = 9;
/** Bytes from the start of an Ogg FLAC file to the end of its STREAMINFO, at most (a full segment table). */
export const OGG_FLAC_STREAMINFO_END = 27 + 255 + OGG_FLAC_PREFIX + FLAC_STREAMINFO_END;

/** Reads the STREAMINFO that an Ogg FLAC stream's first packet carries (the Ogg mapping of FLAC). */
export function parseOggFlacStreamInfo(head: Uint8Array): FlacStreamInfo | undefined {
  const packetStart = pageBodyStart(head);
  if (head[packetStart] !== 0x7f) return undefined;
  return parseFlacStreamInfo(head.subarray(packetStart + OGG_FLAC_PREFIX));
}
