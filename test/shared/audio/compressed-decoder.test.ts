import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodeOptions } from '../../../shared/audio/audio-types';
import { decodeAudioBuffer, decodeAudioFile, decodeAudioStream } from '../../../shared/audio/decode-audio';
import { alignFailure } from '../../helpers/align-failure';
import { concat, toneAmplitude } from './wav-fixture';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'audio');
const OPTIONS: DecodeOptions = { targetSampleRate: 16_000, maxDurationSec: 60, timeoutMs: 10_000 };

function fixture(extension: string): Uint8Array {
  return readFileSync(join(FIXTURES, `stereo-440-660.${extension}`));
}

/** Where each Ogg page of `bytes` ends, read from the page headers (RFC 3533). */
function oggPageEnds(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  for (let at = 0; at + 27 <= bytes.length; ) {
    const segments = bytes[at + 26]!;
    const body = bytes.subarray(at + 27, at + 27 + segments).reduce((sum, lacing) => sum + lacing, 0);
    at += 27 + segments + body;
    ends.push(at);
  }
  return ends;
}

/** The MP3 fixture split up: its ID3v2 tag, its LAME Info frame, its audio frames and its ID3v1 tag. */
function mp3Parts(): { id3v2: Uint8Array; info: Uint8Array; frames: Uint8Array[]; id3v1: Uint8Array } {
  const bytes = fixture('mp3');
  const id3v2Bytes = 10 + ((bytes[8]! << 7) | bytes[9]!);
  const frames: Uint8Array[] = [];
  let at = id3v2Bytes;
  // MPEG-2 layer III, 64 kbit/s, 22.05 kHz: 72 × 64000 / 22050 bytes, plus the header's padding bit.
  while (bytes[at] === 0xff) {
    const length = Math.floor((72 * 64_000) / 22_050) + ((bytes[at + 2]! >> 1) & 1);
    frames.push(bytes.subarray(at, at + length));
    at += length;
  }
  const [info, ...audio] = frames;
  return { id3v2: bytes.subarray(0, id3v2Bytes), info: info!, frames: audio, id3v1: bytes.subarray(at) };
}

/** A first frame carrying a Fraunhofer VBRI tag that declares `frames` audio frames after it. */
function vbriFrame(like: Uint8Array, frames: number, bytes: number): Uint8Array {
  const frame = new Uint8Array(like.length);
  frame.set(like.subarray(0, 4));
  const view = new DataView(frame.buffer);
  frame.set(Buffer.from('VBRI'), 36);
  view.setUint16(40, 1);
  view.setUint32(46, bytes);
  view.setUint32(50, frames);
  return frame;
}

/** `bytes` with a stretch in the middle overwritten by a repeating pattern, as a damaged disk or transfer leaves. */
function damaged(bytes: Uint8Array, length: number): Uint8Array {
  const copy = bytes.slice();
  const from = Math.floor(bytes.length / 2);
  for (let i = from; i < from + length; i++) copy[i] = (i * 37) & 0xff;
  return copy;
}

async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

describe('compressed audio decoding', () => {
  it.each([
    ['flac', 'flac', 'flac', 22_050],
    ['oga', 'ogg', 'flac', 22_050],
    ['mp3', 'mp3', 'mp3', 22_050],
    ['ogg', 'ogg', 'vorbis', 22_050],
    ['opus', 'ogg', 'opus', 48_000],
  ])(
    'decodes the .%s fixture (%s/%s) to 16 kHz mono with both tones',
    async (extension, format, codec, rate) => {
      // Act
      const decoded = await decodeAudioFile(join(FIXTURES, `stereo-440-660.${extension}`), OPTIONS);

      // Assess: each channel's tone at half its -6 dBFS amplitude after averaging, nothing at other frequencies.
      expect(decoded.sampleRate).toBe(16_000);
      expect(decoded.info).toMatchObject({ format, codec, sampleRate: rate, channels: 2 });
      expect(decoded.info.durationSec).toBe(0.5);
      expect(decoded.samples.length).toBe(8000);
      expect(toneAmplitude(decoded.samples, 440, 16_000)).toBeCloseTo(0.25, 1);
      expect(toneAmplitude(decoded.samples, 660, 16_000)).toBeCloseTo(0.25, 1);
      expect(toneAmplitude(decoded.samples, 1000, 16_000)).toBeLessThan(0.01);
      expect(decoded.warnings).toEqual([]);
    },
  );

  it('decodes FLAC losslessly: the same samples as the WAV it was made from, whatever the stream chunking', async () => {
    const whole = await decodeAudioBuffer(fixture('flac'), OPTIONS);

    const streamed = await decodeAudioStream(inPieces(fixture('flac'), 999), OPTIONS);

    expect(streamed.samples).toEqual(whole.samples);
  });

  it.each([
    ['silent-end.flac', 'ends in digital silence: frames shorter than the next frame header', 16_000, 9000],
    [
      'ff-before-crc.flac',
      'ends its last frame with 0xFF before the CRC, where a sync search stops',
      8000,
      676,
    ],
  ])('decodes every sample of %s, a FLAC that %s', async (name, _shape, rate, frames) => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, name));

    // Act: at the source rate, so the count is the file's own; and fed in small pieces, as from S3.
    const options = { ...OPTIONS, targetSampleRate: rate };
    const decoded = [
      await decodeAudioBuffer(bytes, options),
      await decodeAudioStream(inPieces(bytes, 7), options),
    ];

    // Assess
    for (const { samples, info, warnings } of decoded) {
      expect(samples.length).toBe(frames);
      expect(info.durationSec).toBe(frames / rate);
      expect(warnings).toEqual([]);
    }
  });

  it('keeps the digital silence at the end of a FLAC silent, however it is fed', async () => {
    // Prepare: 4000 samples of a 440 Hz tone, then 5000 of zeros.
    const bytes = readFileSync(join(FIXTURES, 'silent-end.flac'));

    // Act
    const decoded = await decodeAudioStream(inPieces(bytes, 1), { ...OPTIONS, targetSampleRate: 16_000 });

    // Assess
    expect(toneAmplitude(decoded.samples.subarray(0, 4000), 440, 16_000)).toBeCloseTo(0.5, 1);
    expect(decoded.samples.subarray(4000).every((sample) => sample === 0)).toBe(true);
  });

  it('ends Opus at its last granule position less the pre-skip: the 0.5 s encoded, not 312 samples more', async () => {
    // Act: at 48 kHz, the rate Opus decodes at, so no resampler rounds the count.
    const decoded = await decodeAudioFile(join(FIXTURES, 'stereo-440-660.opus'), {
      ...OPTIONS,
      targetSampleRate: 48_000,
    });

    // Assess
    expect(decoded.samples.length).toBe(24_000);
    expect(decoded.info.durationSec).toBe(0.5);
  });

  it('fails with AUDIO_TOO_LONG from the FLAC header before decoding', async () => {
    const error = await alignFailure(
      decodeAudioBuffer(fixture('flac'), { ...OPTIONS, maxDurationSec: 0.25 }),
    );

    expect(error.code).toBe('AUDIO_TOO_LONG');
    expect(error.message).toMatch(/audio is 0\.5 s long, over the 0\.25 s limit/);
  });

  it.each(['mp3', 'ogg', 'opus'])('fails with AUDIO_TOO_LONG while decoding %s', async (extension) => {
    const error = await alignFailure(
      decodeAudioBuffer(fixture(extension), { ...OPTIONS, maxDurationSec: 0.1 }),
    );

    expect(error.code).toBe('AUDIO_TOO_LONG');
  });

  it('fails with AUDIO_DECODE on a FLAC file cut short inside its audio frames', async () => {
    const bytes = fixture('flac');

    const error = await alignFailure(
      decodeAudioBuffer(bytes.subarray(0, Math.floor(bytes.length * 0.85)), OPTIONS),
    );

    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(/truncated: its header declares 11025 samples/);
  });

  it.each([
    [
      'flac',
      'FLAC header with garbage after it',
      concat(fixture('flac').subarray(0, 42), new Uint8Array(5000).fill(0x55)),
    ],
    [
      'mp3',
      'ID3 tag with garbage after it',
      concat(fixture('mp3').subarray(0, 10 + 98), new Uint8Array(5000).fill(0x55)),
    ],
    ['ogg', 'Ogg Vorbis cut inside its headers', fixture('ogg').subarray(0, 200)],
  ])('fails with AUDIO_DECODE on a %s (%s)', async (_format, _name, bytes) => {
    const error = await alignFailure(decodeAudioBuffer(bytes, OPTIONS));

    expect(error.code).toBe('AUDIO_DECODE');
  });

  it('fails with AUDIO_DECODE naming an Ogg codec it cannot decode', async () => {
    const speex = concat(
      Buffer.from('OggS'),
      [0, 2, ...new Array(20).fill(0), 1, 8],
      Buffer.from('Speex   '),
    );

    const error = await alignFailure(decodeAudioBuffer(speex, OPTIONS));

    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(/unsupported codec \(first packet starts "Speex/);
  });
});

describe('compressed audio cut short or damaged', () => {
  it.each([
    [
      'an Ogg FLAC file cut at 90%',
      'oga',
      0.9,
      /flac file is truncated: it ends inside an Ogg page, with \d+ of its \d+ bytes/,
    ],
    ['an Opus file cut at 50%', 'opus', 0.5, /opus file is truncated: it ends inside an Ogg page/],
    ['an Ogg Vorbis file cut at 80%', 'ogg', 0.8, /vorbis file is truncated: it ends inside an Ogg page/],
    [
      'an MP3 with a LAME Info header cut at 50%',
      'mp3',
      0.5,
      /mp3 file is truncated: its Info header declares 22 MPEG frames \(0\.57 s\) but only 10 \(0\.26 s\) are present/,
    ],
  ])(
    'fails with AUDIO_DECODE naming what is missing from %s',
    async (_name, extension, fraction, message) => {
      // Prepare
      const bytes = fixture(extension);

      // Act
      const error = await alignFailure(
        decodeAudioBuffer(bytes.subarray(0, Math.floor(bytes.length * fraction)), OPTIONS),
      );

      // Assess
      expect(error.code).toBe('AUDIO_DECODE');
      expect(error.message).toMatch(message);
    },
  );

  it.each(['opus', 'ogg', 'oga'])(
    'fails with AUDIO_DECODE on a .%s file cut at a page boundary, whose last page is not end-of-stream',
    async (extension) => {
      // Prepare: the fixtures hold one audio page, so a cut after the page before it would leave no audio;
      // clearing the last page's end-of-stream flag makes the same whole-page ending with the audio kept.
      const bytes = fixture(extension).slice();
      const ends = oggPageEnds(bytes);
      const lastPage = ends[ends.length - 2]!;
      bytes[lastPage + 5] = bytes[lastPage + 5]! & ~0x04;

      // Act
      const error = await alignFailure(decodeAudioStream(inPieces(bytes, 999), OPTIONS));

      // Assess
      expect(ends[ends.length - 1]).toBe(bytes.length);
      expect(error.code).toBe('AUDIO_DECODE');
      expect(error.message).toMatch(/truncated: its last Ogg page is not marked end-of-stream/);
    },
  );

  it('decodes an Ogg file with bytes after its end-of-stream page, which are no page', async () => {
    // Prepare
    const bytes = concat(fixture('opus'), Buffer.from('trailing bytes that are not an Ogg page'));

    // Act
    const decoded = await decodeAudioBuffer(bytes, OPTIONS);

    // Assess
    expect(decoded.info.codec).toBe('opus');
    expect(decoded.warnings).toEqual([]);
  });

  it('decodes an MP3 without a Xing/Info header cut inside a frame, warning that it may be truncated', async () => {
    // Prepare
    const { frames } = mp3Parts();
    const whole = concat(...frames);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.45));

    // Act
    const complete = await decodeAudioBuffer(whole, OPTIONS);
    const decoded = await decodeAudioStream(inPieces(cut, 999), OPTIONS);

    // Assess
    expect(complete.warnings).toEqual([]);
    expect(decoded.info.durationSec).toBeLessThan(complete.info.durationSec * 0.6);
    expect(decoded.warnings).toEqual([
      expect.stringMatching(
        /^mp3 file may be truncated: it ends inside an MPEG frame \(\d+ of its 20[89] bytes present\), .*no Xing\/Info or VBRI header/,
      ),
    ]);
  });

  it('fails with AUDIO_DECODE on an MP3 whose VBRI header declares more frames than it has, and not when all are there', async () => {
    // Prepare
    const { id3v2, info, frames } = mp3Parts();
    const bytes = info.length + frames.reduce((sum, frame) => sum + frame.length, 0);
    const declaring = (count: number) => concat(id3v2, vbriFrame(info, count, bytes), ...frames);

    // Act
    const error = await alignFailure(decodeAudioBuffer(declaring(frames.length + 5), OPTIONS));
    const decoded = await decodeAudioBuffer(declaring(frames.length), OPTIONS);

    // Assess
    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(
      new RegExp(`VBRI header declares ${frames.length + 5} MPEG frames .* but only ${frames.length} `),
    );
    expect(decoded.warnings).toEqual([]);
  });

  it('decodes an MP3 whose ID3v1 tag at the end holds a frame sync pattern, without taking it for a cut frame', async () => {
    // Prepare
    const { frames, id3v1 } = mp3Parts();
    const tag = id3v1.slice();
    tag.set([0xff, 0xf3, 0x80, 0x64], 40);

    // Act
    const decoded = await decodeAudioBuffer(concat(...frames, tag), OPTIONS);

    // Assess
    expect(id3v1.subarray(0, 3)).toEqual(Buffer.from('TAG'));
    expect(decoded.warnings).toEqual([]);
  });

  it('fails with AUDIO_DECODE on an MP3 with damaged frames, counting the frames its header declares', async () => {
    // Act
    const error = await alignFailure(decodeAudioBuffer(damaged(fixture('mp3'), 300), OPTIONS));

    // Assess
    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(
      /declares 22 MPEG frames .* but only 2\d .* bytes between them are not frames/,
    );
  });

  it("keeps the decoders' console lines off the console: damaged Opus decodes with a warning naming them", async () => {
    // Prepare
    const printed: unknown[][] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args) => printed.push(args));

    // Act
    const decoded = await decodeAudioBuffer(damaged(fixture('opus'), 300), OPTIONS).finally(() =>
      spy.mockRestore(),
    );

    // Assess
    expect(printed).toEqual([]);
    expect(decoded.warnings).toEqual([
      expect.stringMatching(/^the opus decoder reported 1 problem\(s\) .*OPUS_INVALID_PACKET/),
    ]);
  });

  it("keeps libFLAC's LOST_SYNC off the console: damaged Ogg FLAC fails by the samples its STREAMINFO declares", async () => {
    // Prepare
    const printed: unknown[][] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args) => printed.push(args));

    // Act
    const error = await alignFailure(decodeAudioBuffer(damaged(fixture('oga'), 300), OPTIONS)).finally(() =>
      spy.mockRestore(),
    );

    // Assess
    expect(printed).toEqual([]);
    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(/truncated: its header declares 11025 samples .* but only \d+ decoded/);
  });
});
