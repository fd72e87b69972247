import type { DecodeOptions } from '../../../shared/audio/audio-types';
import { decodeAudioBuffer, decodeAudioStream } from '../../../shared/audio/decode-audio';
import { AlignError } from '../../../shared/errors';
import {
  buildRf64,
  buildWav,
  chunk,
  concat,
  type Encoding,
  encodeSamples,
  type FmtSpec,
  fmtBody,
  rms,
  sine,
  toneAmplitude,
  unpaddedChunk,
} from './wav-fixture';

const OPTIONS: DecodeOptions = { targetSampleRate: 16_000, maxDurationSec: 60, timeoutMs: 5000 };
const VALUES = [0, 0.5, -0.5, 0.25, -1, 0.125, 0.75, -0.75];

function mono16k(encoding: Encoding, bitsPerSample: number, extra: Partial<FmtSpec> = {}): FmtSpec {
  return { channels: 1, sampleRate: 16_000, bitsPerSample, tag: encoding.startsWith('f') ? 3 : 1, ...extra };
}

async function decodeError(bytes: Uint8Array, options: DecodeOptions = OPTIONS): Promise<AlignError> {
  try {
    await decodeAudioBuffer(bytes, options);
  } catch (error) {
    if (error instanceof AlignError) return error;
    throw error;
  }
  throw new Error('expected the decode to fail');
}

async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

describe('WAV decoding', () => {
  it('returns 16 kHz mono 16-bit PCM sample for sample, without resampling', async () => {
    // Prepare
    const ints = [0, 1, -1, 32767, -32768, 12345, -23456, 2];
    const data = Uint8Array.from(new Uint8Array(Int16Array.from(ints).buffer));
    const wav = buildWav({ fmt: mono16k('s16', 16), data });

    // Act
    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    // Assess
    expect(Array.from(decoded.samples)).toEqual(ints.map((v) => Math.fround(v / 32768)));
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.info).toEqual({
      durationSec: ints.length / 16_000,
      sampleRate: 16_000,
      channels: 1,
      format: 'wav',
      codec: 'pcm_s16le',
    });
  });

  it.each<[Encoding, number, number, string]>([
    ['u8', 8, 1 / 128, 'pcm_u8'],
    ['s16', 16, 1 / 32768, 'pcm_s16le'],
    ['s24', 24, 1 / 8388608, 'pcm_s24le'],
    ['s32', 32, 1 / 2147483648, 'pcm_s32le'],
    ['f32', 32, 1e-7, 'pcm_f32le'],
    ['f64', 64, 1e-7, 'pcm_f64le'],
  ])('decodes %s samples (%i bits) to their values', async (encoding, bits, tolerance, codec) => {
    const wav = buildWav({ fmt: mono16k(encoding, bits), data: encodeSamples(VALUES, encoding) });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.info.codec).toBe(codec);
    VALUES.forEach((value, i) => {
      expect(Math.abs(decoded.samples[i]! - value)).toBeLessThanOrEqual(
        Math.max(tolerance, value === 0.75 ? 1 / 128 : 0),
      );
    });
  });

  it.each<[string, FmtSpec, Encoding]>([
    ['PCM 16-bit', { channels: 1, sampleRate: 16_000, bitsPerSample: 16, extensibleSubFormat: 1 }, 's16'],
    ['PCM 24-bit', { channels: 1, sampleRate: 16_000, bitsPerSample: 24, extensibleSubFormat: 1 }, 's24'],
    ['float 32-bit', { channels: 1, sampleRate: 16_000, bitsPerSample: 32, extensibleSubFormat: 3 }, 'f32'],
  ])('decodes WAVE_FORMAT_EXTENSIBLE with a %s sub-format', async (_name, fmt, encoding) => {
    const wav = buildWav({ fmt, data: encodeSamples(VALUES, encoding) });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    VALUES.forEach((value, i) => {
      expect(decoded.samples[i]).toBeCloseTo(value, 4);
    });
  });

  it('decodes 24 valid bits in 32-bit containers (extensible) by their container', async () => {
    const fmt: FmtSpec = {
      channels: 1,
      sampleRate: 16_000,
      bitsPerSample: 32,
      validBits: 24,
      extensibleSubFormat: 1,
    };
    const wav = buildWav({ fmt, data: encodeSamples([0.5, -0.25], 's32') });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(Array.from(decoded.samples)).toEqual([0.5, -0.25]);
    expect(decoded.info.codec).toBe('pcm_s32le');
  });

  it('averages stereo channels into mono', async () => {
    const interleaved = [0.5, -0.25, 1, 0, -0.5, -0.5];
    const wav = buildWav({
      fmt: { channels: 2, sampleRate: 16_000, bitsPerSample: 32, tag: 3 },
      data: encodeSamples(interleaved, 'f32'),
    });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(Array.from(decoded.samples)).toEqual([0.125, 0.5, -0.5]);
    expect(decoded.info.channels).toBe(2);
  });

  it('averages six channels into mono', async () => {
    const frame = [0.6, 0, 0, 0, 0, 0];
    const wav = buildWav({
      fmt: { channels: 6, sampleRate: 16_000, bitsPerSample: 32, tag: 3 },
      data: encodeSamples([...frame, ...frame], 'f32'),
    });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples[0]).toBeCloseTo(0.1, 6);
    expect(decoded.samples.length).toBe(2);
    expect(decoded.info.channels).toBe(6);
  });

  it('resamples 44.1 kHz stereo to 16 kHz and reports the source format', async () => {
    const wav = buildWav({
      fmt: { channels: 2, sampleRate: 44_100, bitsPerSample: 16 },
      data: encodeSamples(sine(44_100, 1000, 44_100, [0.5, 0.5]), 's16'),
    });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(16_000);
    expect(toneAmplitude(decoded.samples, 1000, 16_000)).toBeCloseTo(0.5, 2);
    expect(decoded.info).toMatchObject({
      durationSec: 1,
      sampleRate: 44_100,
      channels: 2,
      codec: 'pcm_s16le',
    });
  });

  it('skips LIST, fact, odd-sized and unknown chunks wherever they are', async () => {
    const wav = buildWav({
      fmt: mono16k('s16', 16),
      data: encodeSamples(VALUES, 's16'),
      before: [chunk('LIST', [...Buffer.from('INFOISFT\x05\x00\x00\x00sox!\x00')]), chunk('junk', [1, 2, 3])],
      between: [chunk('fact', [8, 0, 0, 0]), chunk('odd ', [9])],
      after: [chunk('LIST', [1, 2, 3, 4])],
    });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(VALUES.length);
    expect(decoded.samples[1]).toBeCloseTo(0.5, 4);
  });

  it.each([
    [
      'an odd-sized LIST chunk before fmt',
      { before: [unpaddedChunk('LIST', Buffer.from('INFOISFT\x03\x00\x00\x00sox'))] },
    ],
    ['an odd-sized LIST chunk between fmt and data', { between: [unpaddedChunk('LIST', [1, 2, 3])] }],
    [
      'an odd-sized chunk after a data chunk that comes first',
      { dataFirst: true, after: [unpaddedChunk('odd ', [9])] },
    ],
  ])('reads a file with %s written without its pad byte', async (_name, layout) => {
    // Prepare
    const plain = { fmt: mono16k('s16', 16), data: encodeSamples(VALUES, 's16') };
    const expected = await decodeAudioBuffer(buildWav(plain), OPTIONS);

    // Act
    const decoded = await decodeAudioStream(inPieces(buildWav({ ...plain, ...layout }), 3), OPTIONS);

    // Assess
    expect(decoded.samples).toEqual(expected.samples);
    expect(decoded.samples.length).toBe(VALUES.length);
  });

  it('reads an odd-sized data chunk without its pad byte that comes before the fmt chunk', async () => {
    // Prepare
    const data = encodeSamples(VALUES.slice(0, 7), 'u8');
    const wav = concat(
      Buffer.from('RIFF\x00\x00\x00\x00WAVE'),
      unpaddedChunk('data', data),
      chunk('fmt ', fmtBody(mono16k('u8', 8))),
    );

    // Act
    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    // Assess
    expect(decoded.samples.length).toBe(7);
    expect(decoded.info.codec).toBe('pcm_u8');
  });

  it('still skips a pad byte that holds a letter when both places could start the next chunk', async () => {
    // Prepare: the pad byte is "x", so "xdat" and "data" both look like chunk ids; the rules decide.
    const wav = buildWav({
      fmt: mono16k('s16', 16),
      data: encodeSamples(VALUES, 's16'),
      between: [concat(unpaddedChunk('odd ', [9]), Buffer.from('x'))],
    });

    // Act
    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    // Assess
    expect(decoded.samples.length).toBe(VALUES.length);
  });

  it('decodes a data chunk that comes before the fmt chunk', async () => {
    const wav = buildWav({ fmt: mono16k('s16', 16), data: encodeSamples(VALUES, 's16'), dataFirst: true });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(VALUES.length);
    expect(decoded.samples[2]).toBeCloseTo(-0.5, 4);
  });

  it.each([
    ['0', 0],
    ['0xFFFFFFFF', 0xffffffff],
    ['sox pipe marker 0x7FFFF000', 0x7ffff000],
  ])('reads a streamed WAV whose data size is %s to the end of the file', async (_name, dataSize) => {
    const wav = buildWav({ fmt: mono16k('s16', 16), data: encodeSamples(VALUES, 's16'), dataSize });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(VALUES.length);
  });

  it('does not take the sox pipe marker for a duration when streaming without a known size', async () => {
    const wav = buildWav({
      fmt: mono16k('s16', 16),
      data: encodeSamples(VALUES, 's16'),
      dataSize: 0x7ffff000,
    });

    const decoded = await decodeAudioStream(inPieces(wav, 5), { ...OPTIONS, maxDurationSec: 1 });

    expect(decoded.samples.length).toBe(VALUES.length);
  });

  it('reads RF64 files whose data size is in the ds64 chunk', async () => {
    const wav = buildRf64(mono16k('s16', 16), encodeSamples(VALUES, 's16'));

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(VALUES.length);
    expect(decoded.samples[4]).toBe(-1);
  });

  it('stops at the declared data size and ignores a trailing partial frame', async () => {
    const data = encodeSamples(VALUES, 's16');
    const wav = buildWav({
      fmt: { channels: 2, sampleRate: 16_000, bitsPerSample: 16 },
      data: data.subarray(0, 14),
    });

    const decoded = await decodeAudioBuffer(wav, OPTIONS);

    expect(decoded.samples.length).toBe(3);
  });

  it('gives the same result from a stream in odd-sized pieces as from memory', async () => {
    const wav = buildWav({
      fmt: { channels: 3, sampleRate: 22_050, bitsPerSample: 24 },
      data: encodeSamples(sine(5000, 440, 22_050, [0.5, 0.2, -0.1]), 's24'),
      before: [chunk('LIST', [1, 2, 3])],
    });
    const whole = await decodeAudioBuffer(wav, OPTIONS);

    const streamed = await decodeAudioStream(inPieces(wav, 7), OPTIONS);

    expect(streamed.samples).toEqual(whole.samples);
    expect(streamed.info).toEqual(whole.info);
    expect(rms(whole.samples)).toBeGreaterThan(0.1);
  });
});

describe('WAV decoding of hostile input', () => {
  const good: FmtSpec = { channels: 1, sampleRate: 16_000, bitsPerSample: 16 };
  const data = encodeSamples(VALUES, 's16');

  it.each<[string, Uint8Array, RegExp]>([
    ['an empty file', new Uint8Array(0), /empty \(0 bytes\)/],
    ['text', new TextEncoder().encode('hello, this is not audio at all'), /not a recognised audio format/],
    ['a header cut inside RIFF', Buffer.from('RIFF\x10\x00'), /truncated/],
    [
      'a header cut inside fmt',
      buildWav({ fmt: good, data }).subarray(0, 28),
      /truncated inside its "fmt" chunk/,
    ],
    ['no fmt chunk', concat(Buffer.from('RIFF\x00\x00\x00\x00WAVE'), chunk('data', data)), /no fmt chunk/],
    [
      'no data chunk',
      concat(
        Buffer.from('RIFF\x00\x00\x00\x00WAVE'),
        chunk('fmt ', buildWav({ fmt: good, data }).subarray(20, 36)),
      ),
      /no data chunk/,
    ],
    [
      'a data chunk longer than the file',
      buildWav({ fmt: good, data, dataSize: 4000 }),
      /truncated: its data chunk declares 4000 bytes/,
    ],
    ['no samples', buildWav({ fmt: good, data: new Uint8Array(0) }), /no audio samples/],
    [
      'sample rate 0',
      buildWav({ fmt: { ...good, sampleRate: 0 }, data }),
      /sample rate 0 Hz is not supported/,
    ],
    [
      'sample rate 500 kHz',
      buildWav({ fmt: { ...good, sampleRate: 500_000 }, data }),
      /sample rate 500000 Hz/,
    ],
    ['0 channels', buildWav({ fmt: { ...good, channels: 0, blockAlign: 2 }, data }), /channel count 0/],
    ['65 channels', buildWav({ fmt: { ...good, channels: 65 }, data }), /channel count 65/],
    [
      'a block align mismatch',
      buildWav({ fmt: { ...good, blockAlign: 3 }, data }),
      /block align 3 does not match/,
    ],
    [
      '12-bit PCM',
      buildWav({ fmt: { ...good, bitsPerSample: 12, blockAlign: 2 }, data }),
      /12 bits per sample is not valid for PCM/,
    ],
    [
      '16-bit float',
      buildWav({ fmt: { ...good, tag: 3 }, data }),
      /16 bits per sample is not valid for IEEE float/,
    ],
    ['ADPCM', buildWav({ fmt: { ...good, tag: 2 }, data }), /encoding 0x0002 is not supported/],
    [
      'an unknown extensible GUID',
      buildWav({ fmt: { ...good, extensibleSubFormat: 1, guidTail: Array(14).fill(7) }, data }),
      /sub-format GUID/,
    ],
    [
      'more valid bits than the container',
      buildWav({ fmt: { ...good, extensibleSubFormat: 1, validBits: 24 }, data }),
      /24 valid bits do not fit/,
    ],
    [
      'a giant fmt chunk',
      concat(Buffer.from('RIFF\x00\x00\x00\x00WAVE'), Buffer.from('fmt '), [0xff, 0xff, 0xff, 0x7f]),
      /declares 2147483647 bytes/,
    ],
    [
      'a NaN float sample',
      buildWav({ fmt: { ...good, bitsPerSample: 32, tag: 3 }, data: encodeSamples([0, Number.NaN], 'f32') }),
      /NaN at frame 1/,
    ],
  ])('fails with AUDIO_DECODE on %s', async (_name, bytes, message) => {
    const error = await decodeError(bytes);

    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(message);
  });

  it('fails with AUDIO_TOO_LONG from the header before decoding, stating limit and duration', async () => {
    const wav = buildWav({ fmt: good, data: new Uint8Array(16_000 * 2 * 3) });

    const error = await decodeError(wav, { ...OPTIONS, maxDurationSec: 2 });

    expect(error.code).toBe('AUDIO_TOO_LONG');
    expect(error.message).toMatch(/audio is 3\.0 s long, over the 2 s limit/);
  });

  it('fails with AUDIO_TOO_LONG while decoding an endless stream with an unknown size', async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield buildWav({ fmt: good, data: new Uint8Array(0), dataSize: 0xffffffff });
      for (;;) yield new Uint8Array(64 * 1024);
    }

    const error = await decodeAudioStream(endless(), { ...OPTIONS, maxDurationSec: 5 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AlignError);
    expect((error as AlignError).code).toBe('AUDIO_TOO_LONG');
    expect((error as AlignError).message).toMatch(/at least \d+\.\d s long, over the 5 s limit/);
  });

  it('rejects a data chunk before fmt that is too large to hold while streaming', async () => {
    const wav = buildWav({ fmt: good, data: new Uint8Array(4096), dataFirst: true });

    const error = await decodeAudioStream(inPieces(wav, 1000), {
      ...OPTIONS,
      streamThresholdBytes: 1024,
    }).catch((e: unknown) => e);

    expect((error as AlignError).code).toBe('AUDIO_DECODE');
    expect((error as AlignError).message).toMatch(/comes before its fmt chunk and is larger than 1024 bytes/);
  });

  it('fails with AUDIO_DECODE on a streamed data chunk longer than the stream, with no size known up front', async () => {
    // Prepare
    const wav = buildWav({ fmt: good, data, dataSize: 4000 });

    // Act
    const error = await decodeAudioStream(inPieces(wav, 5), OPTIONS).catch((e: unknown) => e);

    // Assess
    expect((error as AlignError).code).toBe('AUDIO_DECODE');
    expect((error as AlignError).message).toMatch(
      /truncated: its data chunk declares 4000 bytes .* but only 16 bytes/,
    );
  });
});
