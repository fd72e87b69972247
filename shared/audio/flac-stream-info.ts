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
  if (head.length < FLAC_STREAMINFO_END || (head[4] & 0x7f) !== 0) return undefined;
  const info = head.subarray(8, FLAC_STREAMINFO_END);
  const sampleRate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4);
  const channels = ((info[12] >> 1) & 0x07) + 1;
  const totalHigh = info[13] & 0x0f;
  const totalLow = ((info[14] << 24) | (info[15] << 16) | (info[16] << 8) | info[17]) >>> 0;
  return { sampleRate, channels, totalSamples: totalHigh * 2 ** 32 + totalLow };
}
