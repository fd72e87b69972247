import { createReadStream, constants as fsConstants, open } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { AlignError, InvalidInputError } from '../errors';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './audio-limits';
import type { DecodedAudio, DecodeOptions } from './audio-types';
import { ByteReader } from './byte-reader';
import { decodeCompressed } from './compressed-decoder';
import { id3v2TagSize, SNIFF_BYTES, type SniffedFormat, sniffFormat } from './format-sniffer';
import { withTimeout } from './step-timeout';
import { decodeWav } from './wav-decoder';

export type { AudioFormat, AudioInfo, DecodedAudio, DecodeOptions } from './audio-types';

/** Bytes per read when a file is streamed from disk. */
const FILE_READ_BYTES = 1024 * 1024;
/** ID3v2 tags skipped in a row before the data must be audio. */
const MAX_ID3_TAGS = 4;
/**
 * Bytes per second of audio a source without a size (FIFO, device, stdin) may carry, 192 kHz stereo 32-bit PCM:
 * with no size to check up front, the duration limit at this rate bounds how much is read.
 */
const UNSIZED_BYTES_PER_SEC = 192_000 * 2 * 4;

const openFd = promisify(open);

function checkOptions(options: DecodeOptions): void {
  const { targetSampleRate, maxDurationSec, timeoutMs, streamThresholdBytes } = options;
  if (
    !Number.isInteger(targetSampleRate) ||
    targetSampleRate < MIN_SAMPLE_RATE ||
    targetSampleRate > MAX_SAMPLE_RATE
  ) {
    throw new InvalidInputError(
      `targetSampleRate must be a whole number of Hz from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${targetSampleRate}`,
    );
  }
  if (!(maxDurationSec > 0) || !Number.isFinite(maxDurationSec)) {
    throw new InvalidInputError(`maxDurationSec must be a positive number of seconds, got ${maxDurationSec}`);
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new InvalidInputError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  if (streamThresholdBytes !== undefined && !(streamThresholdBytes >= 0)) {
    throw new InvalidInputError(`streamThresholdBytes must be 0 or more bytes, got ${streamThresholdBytes}`);
  }
}

/** Skips leading ID3v2 tags, then recognises the format; data after an ID3 tag defaults to MPEG audio. */
async function sniff(reader: ByteReader, formatHint: string | undefined): Promise<SniffedFormat> {
  let hint = formatHint;
  for (let tags = 0; tags < MAX_ID3_TAGS; tags++) {
    const tagSize = id3v2TagSize(await reader.peek(SNIFF_BYTES));
    if (tagSize === 0) break;
    if ((await reader.skip(tagSize)) < tagSize) {
      throw new AlignError('AUDIO_DECODE', 'audio file is truncated: it ends inside its ID3 tag');
    }
    hint = 'mp3';
  }
  return sniffFormat(await reader.peek(SNIFF_BYTES), hint);
}

async function decodeFromReader(
  reader: ByteReader,
  options: DecodeOptions,
  sizeBytes: number | undefined,
  maxEarlyDataBytes: number,
): Promise<DecodedAudio> {
  try {
    const sniffed = await sniff(reader, options.formatHint);
    if (sniffed.format === 'wav') return await decodeWav(reader, { options, sizeBytes, maxEarlyDataBytes });
    return await decodeCompressed(reader, sniffed, options);
  } finally {
    reader.close();
  }
}

/** Decodes audio bytes already in memory to mono float32 at the target rate. */
export async function decodeAudioBuffer(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedAudio> {
  checkOptions(options);
  const reader = ByteReader.fromBytes(bytes, options.timeoutMs);
  return decodeFromReader(reader, options, bytes.length, Number.POSITIVE_INFINITY);
}

/**
 * Decodes from a byte stream (an S3 GetObject body) block by block: WAV in memory bounded by the output plus
 * one block, compressed formats by the output plus the decoder's state. `sizeBytes` (Content-Length) lets
 * truncation and over-long audio be caught before decoding.
 */
export async function decodeAudioStream(
  stream: AsyncIterable<Uint8Array>,
  options: DecodeOptions & { sizeBytes?: number },
): Promise<DecodedAudio> {
  checkOptions(options);
  const reader = new ByteReader(stream, options.timeoutMs);
  return decodeFromReader(
    reader,
    options,
    options.sizeBytes,
    options.streamThresholdBytes ?? Number.POSITIVE_INFINITY,
  );
}

function fileError(path: string, error: unknown): AlignError {
  if (error instanceof AlignError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new AlignError('TIMEOUT', `reading ${path} took longer than the audio read timeout`, {
      cause: error,
      retryable: true,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new InvalidInputError(`cannot read audio file ${path}: ${detail}`, { cause: error });
}

/** Yields `source`'s chunks until more than `maxBytes` have come, then fails with `tooMany`. */
async function* upTo(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooMany: () => AlignError,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) throw tooMany();
    yield chunk;
  }
}

/**
 * Streams a source that has no size (FIFO, device, stdin) like an S3 body, its bytes bounded by the duration
 * limit. It is opened non-blocking: a FIFO without a writer then waits in the reader, under the read timeout,
 * instead of in open(2) on a libuv thread that would also keep the process from exiting.
 */
async function decodeUnsized(path: string, fifo: boolean, options: DecodeOptions): Promise<DecodedAudio> {
  const flags = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK;
  const fd = await withTimeout(openFd(path, flags), options.timeoutMs, `opening ${path}`);
  // A non-blocking FIFO reads as ended until a writer comes; a pipe handle waits for data or the writer's close.
  const stream: Readable = fifo
    ? new Socket({ fd, readable: true, writable: false })
    : createReadStream(path, { fd, highWaterMark: FILE_READ_BYTES });
  const maxBytes = Math.ceil(options.maxDurationSec * UNSIZED_BYTES_PER_SEC);
  const tooMany = () =>
    new AlignError(
      'AUDIO_TOO_LONG',
      `${path} sent more than ${maxBytes} bytes, what ${options.maxDurationSec} s (the duration limit) of ` +
        '192 kHz stereo 32-bit audio takes; save it to a file first, or raise the limit',
    );
  try {
    return await decodeAudioStream(upTo(stream, maxBytes, tooMany), options);
  } finally {
    // Closing the reader cannot interrupt a read still waiting for a writer; destroying the stream does.
    stream.destroy();
  }
}

/**
 * Decodes an audio file to mono float32 at the target rate; files at/above the stream threshold are streamed,
 * as are FIFOs and devices, whose size is unknown.
 */
export async function decodeAudioFile(path: string, options: DecodeOptions): Promise<DecodedAudio> {
  checkOptions(options);
  const withHint = { ...options, formatHint: options.formatHint ?? extname(path) };
  try {
    const info = await withTimeout(stat(path), options.timeoutMs, `reading ${path}`);
    if (!info.isFile() && !info.isDirectory()) return await decodeUnsized(path, info.isFIFO(), withHint);
    const { size } = info;
    const threshold = options.streamThresholdBytes;
    if (threshold !== undefined && size >= threshold) {
      const stream = createReadStream(path, { highWaterMark: FILE_READ_BYTES });
      return await decodeFromReader(new ByteReader(stream, options.timeoutMs), withHint, size, threshold);
    }
    const bytes = await readFile(path, { signal: AbortSignal.timeout(options.timeoutMs) });
    return await decodeAudioBuffer(bytes, withHint);
  } catch (error) {
    throw fileError(path, error);
  }
}
