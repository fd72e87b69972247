import { AlignError } from '../errors';
import { checkChannelCount, checkDuration, checkSampleRate } from './audio-limits';
import type { AudioFormat, DecodedAudio, DecodeOptions } from './audio-types';
import type { ByteReader } from './byte-reader';
import {
  type CompressedCodec,
  type DecodedChunk,
  openDecoder,
  type StreamingDecoder,
} from './codec-decoders';
import { type CapturedLines, captureConsole } from './decoder-console';
import { downmixPlanar } from './downmix';
import {
  FLAC_STREAMINFO_END,
  type FlacStreamInfo,
  OGG_FLAC_STREAMINFO_END,
  parseFlacStreamInfo,
  parseOggFlacStreamInfo,
} from './flac-stream-info';
import { SNIFF_BYTES, type SniffedFormat } from './format-sniffer';
import { MonoPipeline } from './mono-pipeline';
import { MpegFrameCheck } from './mpeg-frames';
import { OggPageCheck, opusPreSkip } from './ogg-pages';
import { timedStep, withTimeout } from './step-timeout';
import { COMPLETE, type StreamEnd, type StreamEndCheck } from './stream-end';

/** Compressed bytes handed to the decoder per step, at most. */
const INPUT_BLOCK_BYTES = 64 * 1024;
/**
 * The smallest input per step, and FLAC's first: a few bytes of FLAC (constant subframes, 65535-sample blocks)
 * decode to megabytes, so FLAC starts small. The other codecs start at the full block: their decoders pay a
 * fixed cost per call on corrupt data (tens of ms for Vorbis), which small steps would multiply.
 */
const MIN_INPUT_BLOCK_BYTES = 256;
/** Decoded samples (all channels together) one step aims to stay under: 16 MiB of float32. */
const MAX_STEP_OUTPUT_SAMPLES = 4 * 1024 * 1024;
/** Input consumed without a single decoded sample after which the data is taken for non-audio. */
const MAX_BYTES_WITHOUT_AUDIO = 32 * 1024 * 1024;

/** What a compressed stream turned out to be, for `info`. */
interface StreamShape {
  format: AudioFormat;
  codec: CompressedCodec;
  /** Channels the container declares, when the decoder reports a different layout (mpg123 always gives two). */
  declaredChannels: number | undefined;
  /** Samples per channel a header declares (FLAC STREAMINFO, native or in Ogg), when it does. */
  declaredFrames: number | undefined;
  /** Judges from the container whether the stream ends where it should; none for native FLAC (STREAMINFO). */
  endCheck: StreamEndCheck | undefined;
  /** Samples per channel the stream holds in all, once the container has told; undefined until then. */
  finalFrames: () => number | undefined;
}

function codecOf(sniffed: SniffedFormat): CompressedCodec {
  if (sniffed.format === 'ogg') return sniffed.codec;
  if (sniffed.format === 'flac' || sniffed.format === 'mp3') return sniffed.format;
  throw new AlignError('INTERNAL', `${sniffed.format} is not a compressed format`);
}

/** Checks FLAC's STREAMINFO before decoding: absurd rates and over-long audio fail without decoding anything. */
function flacHeaderFrames(info: FlacStreamInfo | undefined, options: DecodeOptions): number | undefined {
  if (info === undefined) return undefined;
  checkSampleRate(info.sampleRate, 'FLAC STREAMINFO');
  if (info.totalSamples === 0) return undefined;
  checkDuration(info.totalSamples, info.sampleRate, options.maxDurationSec, false);
  return info.totalSamples;
}

async function declaredFrames(
  reader: ByteReader,
  sniffed: SniffedFormat,
  options: DecodeOptions,
): Promise<number | undefined> {
  if (sniffed.format === 'flac') {
    return flacHeaderFrames(parseFlacStreamInfo(await reader.peek(FLAC_STREAMINFO_END)), options);
  }
  if (sniffed.format === 'ogg' && sniffed.codec === 'flac') {
    return flacHeaderFrames(parseOggFlacStreamInfo(await reader.peek(OGG_FLAC_STREAMINFO_END)), options);
  }
  return undefined;
}

/**
 * Where an Opus stream ends: its last granule position less the pre-skip (RFC 7845 §4). The Opus decoder drops
 * the pre-skip at the start but trims its end to the granule position alone, so it returns pre-skip samples too
 * many (6.5 ms from opusenc) past the end of the audio.
 */
function opusFinalFrames(pages: OggPageCheck, preSkip: number): () => number | undefined {
  return () => {
    const granule = pages.finalGranule;
    return granule === undefined ? undefined : Math.max(0, granule - preSkip);
  };
}

async function describe(
  reader: ByteReader,
  sniffed: SniffedFormat,
  options: DecodeOptions,
): Promise<StreamShape> {
  const codec = codecOf(sniffed);
  const pages = sniffed.format === 'ogg' ? new OggPageCheck() : undefined;
  const finalFrames =
    pages !== undefined && codec === 'opus'
      ? opusFinalFrames(pages, opusPreSkip(await reader.peek(SNIFF_BYTES)))
      : () => undefined;
  return {
    format: sniffed.format,
    codec,
    declaredChannels: sniffed.format === 'mp3' ? sniffed.channels : undefined,
    declaredFrames: await declaredFrames(reader, sniffed, options),
    endCheck: pages ?? (sniffed.format === 'mp3' ? new MpegFrameCheck() : undefined),
    finalFrames,
  };
}

/** One decode step's output and what the decoder printed meanwhile. */
interface StepOutput {
  chunk: DecodedChunk;
  printed: CapturedLines;
}

/**
 * Runs one decode step with the decoder's console output captured; wraps what a WASM decoder throws on corrupt
 * input (RangeError, RuntimeError) as AUDIO_DECODE.
 */
async function decodeStep(
  codec: string,
  timeoutMs: number,
  step: () => Promise<DecodedChunk>,
): Promise<StepOutput> {
  try {
    const { value, lines } = await captureConsole(() => timedStep(timeoutMs, `decoding ${codec}`, step));
    return { chunk: value, printed: lines };
  } catch (error) {
    if (error instanceof AlignError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new AlignError('AUDIO_DECODE', `${codec} data is corrupt: the decoder failed with "${detail}"`, {
      cause: error,
    });
  }
}

/**
 * The Vorbis decoder hands back NaN for some corrupt packets (found by the fuzzer); a NaN or infinity would
 * poison every model frame it touches, so it fails here with its position, as WAV float data does.
 */
function checkFinite(mono: Float32Array, codec: string, firstFrame: number): void {
  for (let i = 0; i < mono.length; i++) {
    const sample = mono[i] as number;
    // x - x is 0 for every finite x and NaN for NaN and both infinities.
    if (sample - sample !== 0) {
      throw new AlignError(
        'AUDIO_DECODE',
        `${codec} data decoded to ${sample} at frame ${firstFrame + i}; the file is corrupt, re-encode it`,
      );
    }
  }
}

/** Feeds decoded chunks through one pipeline, created when the first samples reveal the rate. */
class ChunkSink {
  private pipeline: MonoPipeline | undefined;
  private sampleRate = 0;
  public channels = 0;
  /** Problems the decoder reported (returned or printed), and the first one's words. */
  public problems = 0;
  public firstProblem: string | undefined;

  public constructor(
    private readonly shape: StreamShape,
    private readonly options: DecodeOptions,
  ) {}

  public get frames(): number {
    return this.pipeline?.sourceFrames ?? 0;
  }

  public get rate(): number {
    return this.sampleRate;
  }

  public take({ chunk, printed }: StepOutput): void {
    // The decoders print most problems they also return, so a step counts the larger of the two, not both.
    this.problems += Math.max(chunk.errors.length, printed.count);
    this.firstProblem ??= chunk.errors[0]?.message ?? printed.first[0];
    const final = this.shape.finalFrames();
    const frames =
      final === undefined
        ? chunk.samplesDecoded
        : Math.min(chunk.samplesDecoded, Math.max(0, final - this.frames));
    if (frames === 0) return;
    const where = `${this.shape.codec} stream`;
    if (this.pipeline === undefined) {
      checkSampleRate(chunk.sampleRate, where);
      checkChannelCount(chunk.channelData.length, where);
      this.sampleRate = chunk.sampleRate;
      this.channels = this.shape.declaredChannels ?? chunk.channelData.length;
      const { targetSampleRate, maxDurationSec } = this.options;
      // No size hint: a compressed header's sample count is not backed by bytes in hand.
      this.pipeline = new MonoPipeline(chunk.sampleRate, targetSampleRate, maxDurationSec);
    } else if (chunk.sampleRate !== this.sampleRate) {
      throw new AlignError(
        'AUDIO_DECODE',
        `${where} changes sample rate from ${this.sampleRate} to ${chunk.sampleRate} Hz mid-stream; ` +
          'convert it to a single rate first',
      );
    }
    const mono = downmixPlanar(chunk.channelData, frames);
    checkFinite(mono, this.shape.codec, this.pipeline.sourceFrames);
    this.pipeline.push(mono);
  }

  public finish(): Float32Array {
    if (this.pipeline === undefined) {
      const reason = this.firstProblem === undefined ? '' : ` (decoder said: ${this.firstProblem})`;
      throw new AlignError(
        'AUDIO_DECODE',
        `no audio could be decoded from the ${this.shape.codec} data${reason}; the file is corrupt, truncated or empty`,
      );
    }
    return this.pipeline.finish();
  }
}

/**
 * Up to `size` bytes gathered from as many source chunks as it takes (fewer only at the end), copied: the
 * decoders pay a fixed cost per call (tens of ms for Vorbis on corrupt data), so the number of calls must not
 * depend on how the network split the body; and their parsers may keep references to input across calls.
 */
async function readBlock(reader: ByteReader, size: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < size) {
    const part = await reader.readSome(size - length);
    if (part.length === 0) break;
    parts.push(part);
    length += part.length;
  }
  const block = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    block.set(part, offset);
    offset += part.length;
  }
  return block;
}

async function feed(
  reader: ByteReader,
  decoder: StreamingDecoder,
  sink: ChunkSink,
  shape: StreamShape,
  timeoutMs: number,
): Promise<void> {
  const { codec, endCheck } = shape;
  let bytesWithoutAudio = 0;
  const firstBlockBytes = codec === 'flac' ? MIN_INPUT_BLOCK_BYTES : INPUT_BLOCK_BYTES;
  let blockBytes = firstBlockBytes;
  let samplesPerByte = 0;
  for (;;) {
    const input = await readBlock(reader, blockBytes);
    if (input.length === 0) break;
    endCheck?.push(input);
    const before = sink.frames;
    const output = await decodeStep(codec, timeoutMs, () => decoder.decode(input));
    sink.take(output);
    const { chunk } = output;
    // A decompression bomb is bounded by the duration limit only after its step; sizing the next step by the
    // highest expansion seen keeps each step's output (and the decoder's buffers) near MAX_STEP_OUTPUT_SAMPLES.
    samplesPerByte = Math.max(
      samplesPerByte,
      (chunk.samplesDecoded * chunk.channelData.length) / input.length,
    );
    // Until the first samples show the expansion, steps keep their first size.
    blockBytes =
      samplesPerByte === 0
        ? firstBlockBytes
        : Math.min(
            INPUT_BLOCK_BYTES,
            Math.max(MIN_INPUT_BLOCK_BYTES, Math.floor(MAX_STEP_OUTPUT_SAMPLES / samplesPerByte)),
          );
    bytesWithoutAudio = sink.frames > before ? 0 : bytesWithoutAudio + input.length;
    if (bytesWithoutAudio > MAX_BYTES_WITHOUT_AUDIO) {
      throw new AlignError(
        'AUDIO_DECODE',
        `${MAX_BYTES_WITHOUT_AUDIO} bytes of ${codec} data decoded to no audio; the file is corrupt or not ${codec}`,
      );
    }
  }
  const { endPadding } = decoder;
  if (endPadding !== undefined)
    sink.take(await decodeStep(codec, timeoutMs, () => decoder.decode(endPadding)));
  sink.take(await decodeStep(codec, timeoutMs, () => decoder.flush()));
}

/** Decodes FLAC, MP3 or Ogg (Vorbis/Opus/FLAC) block by block to mono at the target rate. */
export async function decodeCompressed(
  reader: ByteReader,
  sniffed: SniffedFormat,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  const shape = await describe(reader, sniffed, options);
  const decoder = await withTimeout(
    openDecoder(shape.codec, shape.format),
    options.timeoutMs,
    `loading the ${shape.codec} decoder`,
  );
  const sink = new ChunkSink(shape, options);
  try {
    await feed(reader, decoder, sink, shape, options.timeoutMs);
  } finally {
    try {
      decoder.free();
    } catch {
      // A decoder whose WASM memory a corrupt file already broke cannot be freed; it is dropped all the same.
    }
  }
  const end = shape.endCheck?.finish() ?? COMPLETE;
  if (!end.complete && end.certain) throw truncatedError(shape, end.reason);
  const samples = sink.finish();
  if (shape.declaredFrames !== undefined && sink.frames < shape.declaredFrames) {
    throw truncatedError(
      shape,
      `its header declares ${shape.declaredFrames} samples (${(shape.declaredFrames / sink.rate).toFixed(2)} s) ` +
        `but only ${sink.frames} decoded`,
    );
  }
  return {
    samples,
    sampleRate: options.targetSampleRate,
    info: {
      durationSec: sink.frames / sink.rate,
      sampleRate: sink.rate,
      channels: sink.channels,
      format: shape.format,
      codec: shape.codec,
    },
    warnings: warningsOf(shape, end, sink),
  };
}

function truncatedError(shape: StreamShape, reason: string): AlignError {
  return new AlignError(
    'AUDIO_DECODE',
    `${shape.codec} file is truncated: ${reason}; upload the complete file`,
  );
}

/** What the container and the decoder leave in doubt about audio that did decode. */
function warningsOf(shape: StreamShape, end: StreamEnd, sink: ChunkSink): string[] {
  const warnings: string[] = [];
  if (!end.complete) warnings.push(`${shape.codec} file may be truncated: ${end.reason}`);
  if (sink.problems > 0) {
    warnings.push(
      `the ${shape.codec} decoder reported ${sink.problems} problem(s) with the data (first: ${sink.firstProblem}); ` +
        'audio there may be missing or distorted, which can shift the timings after it',
    );
  }
  return warnings;
}
