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
      expect(decoded.info.durationSec).toBeCloseTo(0.5, 1);
      // Opus may end up to a frame long; the other codecs trim to the encoded length.
      expect(Math.abs(decoded.samples.length - 8000)).toBeLessThan(200);
      expect(toneAmplitude(decoded.samples, 440, 16_000)).toBeCloseTo(0.25, 1);
      expect(toneAmplitude(decoded.samples, 660, 16_000)).toBeCloseTo(0.25, 1);
      expect(toneAmplitude(decoded.samples, 1000, 16_000)).toBeLessThan(0.01);
    },
  );

  it('decodes FLAC losslessly: the same samples as the WAV it was made from, whatever the stream chunking', async () => {
    const whole = await decodeAudioBuffer(fixture('flac'), OPTIONS);

    const streamed = await decodeAudioStream(inPieces(fixture('flac'), 999), OPTIONS);

    expect(streamed.samples).toEqual(whole.samples);
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
