import { AlignError } from '../errors';
import { checkDuration } from './audio-limits';
import type { DecodedAudio, DecodeOptions } from './audio-types';
import { ByteReader } from './byte-reader';
import { MonoPipeline } from './mono-pipeline';
import { interleavedToMono } from './pcm-samples';
import { timedStep } from './step-timeout';
import { FMT_MAX_BYTES, FMT_MIN_BYTES, parseDs64DataSize, parseFmtChunk, type WavFormat } from './wav-header';

/** Bytes read, converted and resampled per step; bounds the decoder's working memory. */
const BLOCK_BYTES = 256 * 1024;
/**
 * Data sizes at or above this are "length unknown" markers, not sizes: sox writes 0x7ffff000 (rounded down to
 * whole frames) when it writes to a pipe, others 0xffffffff. Such a chunk is read up to that size or the end.
 */
const PLACEHOLDER_DATA_SIZE = 0x7fffe000;
const UNKNOWN_SIZE = 0xffffffff;

/** How much of the input the `data` chunk covers. */
interface DataSpan {
  /** Bytes to read at most; undefined reads to the end of the input. */
  limit: number | undefined;
  /** True when `limit` is a real size, so ending short of it means the file is truncated. */
  exact: boolean;
}

/** Where the data chunk was and what else the walk found. */
interface WavLayout {
  format: WavFormat;
  reader: ByteReader;
  span: DataSpan;
  /** Input bytes left after the data chunk's start, when known. */
  available: number | undefined;
}

/** Limits and sizes the WAV decoder works within. */
export interface WavDecodeContext {
  options: DecodeOptions;
  /** Total input size when known (file size, Content-Length). */
  sizeBytes: number | undefined;
  /** Most bytes of a `data` chunk that precedes `fmt ` to hold in memory until the format is known. */
  maxEarlyDataBytes: number;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function uint32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

function dataSpan(size: number, rf64DataSize: number | undefined): DataSpan {
  if (size === UNKNOWN_SIZE && rf64DataSize !== undefined) return { limit: rf64DataSize, exact: true };
  if (size === 0 || size === UNKNOWN_SIZE) return { limit: undefined, exact: false };
  return { limit: size, exact: size < PLACEHOLDER_DATA_SIZE };
}

function truncatedError(declared: number, present: number, format: WavFormat): AlignError {
  const seconds = (bytes: number) => (bytes / format.blockAlign / format.sampleRate).toFixed(2);
  return new AlignError(
    'AUDIO_DECODE',
    `WAV file is truncated: its data chunk declares ${declared} bytes (${seconds(declared)} s) but only ` +
      `${present} bytes (${seconds(present)} s) are present; upload the complete file`,
  );
}

/** Whether the four bytes at `at` can be a chunk id: printable ASCII, not starting with a space. */
function isChunkId(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + 4) return false;
  return bytes.subarray(at, at + 4).every((byte, i) => byte >= (i === 0 ? 0x21 : 0x20) && byte <= 0x7e);
}

/**
 * Skips the pad byte that follows an odd-sized chunk. Some writers leave it out and start the next chunk
 * straight after the body; that is taken to have happened when a chunk id is found there and none one byte
 * on, so a file that follows the rules is always read by them.
 */
async function skipPad(reader: ByteReader, size: number): Promise<void> {
  if (size % 2 === 0) return;
  const next = await reader.peek(5);
  if (isChunkId(next, 0) && !isChunkId(next, 1)) return;
  await reader.skip(1);
}

async function readChunkBody(reader: ByteReader, id: string, size: number): Promise<Uint8Array> {
  if (size < FMT_MIN_BYTES || size > FMT_MAX_BYTES) {
    throw new AlignError(
      'AUDIO_DECODE',
      `WAV "${id.trim()}" chunk declares ${size} bytes; expected ${FMT_MIN_BYTES} to ${FMT_MAX_BYTES}`,
    );
  }
  const body = await reader.read(size);
  if (body.length < size) {
    throw new AlignError('AUDIO_DECODE', `WAV file is truncated inside its "${id.trim()}" chunk`);
  }
  const copy = body.slice();
  await skipPad(reader, size);
  return copy;
}

/** Holds a `data` chunk that arrived before `fmt ` (allowed by nothing, written by some tools). */
async function readEarlyData(reader: ByteReader, span: DataSpan, maxBytes: number): Promise<Uint8Array> {
  const want = span.limit ?? Number.POSITIVE_INFINITY;
  const tooLarge = () =>
    new AlignError(
      'AUDIO_DECODE',
      `WAV data chunk comes before its fmt chunk and is larger than ${maxBytes} bytes, too large to hold ` +
        'while looking for the format; rewrite the file with fmt first, e.g. `sox in.wav out.wav`',
    );
  if (span.exact && want > maxBytes) throw tooLarge();
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < want) {
    const part = await reader.readSome(Math.min(BLOCK_BYTES, want - length));
    if (part.length === 0) break;
    parts.push(part.slice());
    length += part.length;
    if (length > maxBytes) throw tooLarge();
  }
  if (span.exact && length < want)
    throw new AlignError('AUDIO_DECODE', 'WAV file is truncated inside its data chunk');
  const data = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  await skipPad(reader, data.length);
  return data;
}

/** Walks the chunks (any order, unknown ones skipped) up to the data chunk, once the format is known. */
async function locateData(reader: ByteReader, context: WavDecodeContext): Promise<WavLayout> {
  const riff = await reader.read(12);
  const isRf64 = ascii(riff, 0, 4) !== 'RIFF';
  let format: WavFormat | undefined;
  let rf64DataSize: number | undefined;
  let early: Uint8Array | undefined;
  for (;;) {
    const header = await reader.read(8);
    if (header.length < 8) break;
    const id = ascii(header, 0, 4);
    const size = uint32(header, 4);
    if (id === 'data') {
      const span = dataSpan(size, isRf64 ? rf64DataSize : undefined);
      if (format !== undefined) {
        const available =
          context.sizeBytes === undefined ? undefined : Math.max(0, context.sizeBytes - reader.position);
        return { format, reader, span, available };
      }
      early = await readEarlyData(reader, span, context.maxEarlyDataBytes);
    } else if (id === 'fmt ') {
      format = parseFmtChunk(await readChunkBody(reader, id, size));
    } else if (id === 'ds64' && isRf64) {
      rf64DataSize = parseDs64DataSize(await readChunkBody(reader, id, size));
    } else {
      await reader.skip(size);
      await skipPad(reader, size);
    }
  }
  if (format === undefined) {
    throw new AlignError(
      'AUDIO_DECODE',
      'WAV file has no fmt chunk before its end; the file is truncated or corrupt',
    );
  }
  if (early === undefined) {
    throw new AlignError(
      'AUDIO_DECODE',
      'WAV file has no data chunk; the file is truncated or holds no audio',
    );
  }
  return {
    format,
    reader: ByteReader.fromBytes(early, context.options.timeoutMs),
    span: { limit: early.length, exact: true },
    available: early.length,
  };
}

/** Reads the data chunk block by block: whole frames to mono, through the pipeline; a partial last frame is dropped. */
async function decodeData(
  layout: WavLayout,
  options: DecodeOptions,
): Promise<{ samples: Float32Array; frames: number }> {
  const { format, reader, span, available } = layout;
  if (span.exact && span.limit !== undefined && available !== undefined && span.limit > available) {
    throw truncatedError(span.limit, available, format);
  }
  // A real header size may reject over-long audio up front, but only bytes present may size an allocation.
  const presentBytes = available === undefined ? undefined : Math.min(available, span.limit ?? available);
  const knownBytes = presentBytes ?? (span.exact ? span.limit : undefined);
  const framesIn = (bytes: number) => Math.floor(bytes / format.blockAlign);
  if (knownBytes !== undefined)
    checkDuration(framesIn(knownBytes), format.sampleRate, options.maxDurationSec, false);
  const pipeline = new MonoPipeline(
    format.sampleRate,
    options.targetSampleRate,
    options.maxDurationSec,
    presentBytes === undefined ? undefined : framesIn(presentBytes),
  );
  const carry = new Uint8Array(format.blockAlign);
  let carried = 0;
  let remaining = span.limit ?? Number.POSITIVE_INFINITY;
  let consumed = 0;
  const push = (bytes: Uint8Array): void => {
    let block = bytes;
    if (carried > 0) {
      block = new Uint8Array(carried + bytes.length);
      block.set(carry.subarray(0, carried));
      block.set(bytes, carried);
    }
    const whole = block.length - (block.length % format.blockAlign);
    if (whole > 0) {
      pipeline.push(
        interleavedToMono(block.subarray(0, whole), format.encoding, format.channels, pipeline.sourceFrames),
      );
    }
    carried = block.length - whole;
    carry.set(block.subarray(whole));
  };
  while (remaining > 0) {
    const bytes = await reader.readSome(Math.min(BLOCK_BYTES, remaining));
    if (bytes.length === 0) break;
    remaining -= bytes.length;
    consumed += bytes.length;
    await timedStep(options.timeoutMs, 'decoding WAV samples', () => push(bytes));
  }
  if (span.exact && span.limit !== undefined && consumed < span.limit)
    throw truncatedError(span.limit, consumed, format);
  if (pipeline.sourceFrames === 0)
    throw new AlignError('AUDIO_DECODE', 'WAV file holds no audio samples (0 frames)');
  return { samples: pipeline.finish(), frames: pipeline.sourceFrames };
}

/** Decodes a RIFF/RF64 WAVE stream (already recognised by its magic bytes) to mono at the target rate. */
export async function decodeWav(reader: ByteReader, context: WavDecodeContext): Promise<DecodedAudio> {
  const layout = await locateData(reader, context);
  const { format } = layout;
  const { samples, frames } = await decodeData(layout, context.options);
  return {
    samples,
    sampleRate: context.options.targetSampleRate,
    info: {
      durationSec: frames / format.sampleRate,
      sampleRate: format.sampleRate,
      channels: format.channels,
      format: 'wav',
      codec: format.codec,
    },
    warnings: [],
  };
}
