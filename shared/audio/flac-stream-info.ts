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
