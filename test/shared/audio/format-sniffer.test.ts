import {
  audioFormatName,
  id3v2TagSize,
  mpegFrameChannels,
  sniffFormat,
} from '../../../shared/audio/format-sniffer';
import { AlignError } from '../../../shared/errors';
import { concat } from './wav-fixture';

function bytes(text: string, ...rest: number[]): Uint8Array {
  return concat(Buffer.from(text, 'latin1'), rest);
}

function sniffError(head: Uint8Array, hint?: string): AlignError {
  try {
    sniffFormat(head, hint);
  } catch (error) {
    if (error instanceof AlignError) return error;
    throw error;
  }
  throw new Error('expected sniffing to fail');
}

describe('sniffFormat', () => {
  it.each([
    ['RIFF WAVE', bytes('RIFF\x00\x00\x00\x00WAVEfmt '), { format: 'wav' }],
    ['RF64 WAVE', bytes('RF64\xff\xff\xff\xffWAVEds64'), { format: 'wav' }],
    ['FLAC', bytes('fLaC\x00\x00\x00\x22'), { format: 'flac' }],
    [
      'Ogg Vorbis',
      concat(bytes('OggS'), new Array(22).fill(0), [1, 30], bytes('\x01vorbis')),
      { format: 'ogg', codec: 'vorbis' },
    ],
    [
      'Ogg Opus',
      concat(bytes('OggS'), new Array(22).fill(0), [1, 19], bytes('OpusHead')),
      { format: 'ogg', codec: 'opus' },
    ],
    [
      'Ogg FLAC',
      concat(bytes('OggS'), new Array(22).fill(0), [1, 51], bytes('\x7fFLAC')),
      { format: 'ogg', codec: 'flac' },
    ],
    [
      'a mono MPEG-1 layer III frame',
      Uint8Array.from([0xff, 0xfb, 0x90, 0xc4]),
      { format: 'mp3', channels: 1 },
    ],
    [
      'a stereo MPEG-2 layer III frame',
      Uint8Array.from([0xff, 0xf3, 0x60, 0x64]),
      { format: 'mp3', channels: 2 },
    ],
  ])('recognises %s from its magic bytes', (_name, head, expected) => {
    // Act
    const sniffed = sniffFormat(head);

    // Assess
    expect(sniffed).toEqual(expected);
  });

  it('ignores the extension when the bytes are conclusive', () => {
    expect(sniffFormat(bytes('fLaC\x00\x00\x00\x22'), 'mp3')).toEqual({ format: 'flac' });
  });

  it('takes raw MPEG audio that starts with junk on the word of its .mp3 extension', () => {
    expect(sniffFormat(Uint8Array.from([0, 0, 0, 0xff, 0xfb]), '.MP3')).toEqual({ format: 'mp3' });
  });

  it('does not take an AAC ADTS header for MPEG audio', () => {
    expect(mpegFrameChannels(Uint8Array.from([0xff, 0xf1, 0x50, 0x80]))).toBeUndefined();
  });

  it.each([
    ['MP4', bytes('\x00\x00\x00\x20ftypM4A '), /MP4\/M4A \(AAC or ALAC\) audio is not supported/],
    ['AIFF', bytes('FORM\x00\x00\x00\x00AIFF'), /AIFF audio is not supported/],
    ['text', bytes('just some text'), /not a recognised audio format \(first bytes: 6a 75 73 74/],
    ['nothing', new Uint8Array(0), /empty \(0 bytes\)/],
    ['a cut RIFF header', bytes('RIFF\x00\x00'), /truncated: it ends after 6 bytes/],
  ])('fails with AUDIO_DECODE naming %s', (_name, head, message) => {
    const error = sniffError(head, 'wav');

    expect(error.code).toBe('AUDIO_DECODE');
    expect(error.message).toMatch(message);
  });
});

describe('audioFormatName', () => {
  it.each([
    ['BW64 WAVE', bytes('BW64\xff\xff\xff\xffWAVEds64'), 'WAV'],
    ['FLAC', bytes('fLaC\x00\x00\x00\x22'), 'FLAC'],
    ['an Ogg page', bytes('OggS\x00\x02'), 'Ogg'],
    ['an ID3 tag', bytes('ID3\x04\x00\x00'), 'MP3'],
    ['an MPEG frame', Uint8Array.from([0xff, 0xfb, 0x90, 0xc4]), 'MP3'],
    ['MP4', bytes('\x00\x00\x00\x20ftypM4A '), 'MP4/M4A'],
    ['AIFF', bytes('FORM\x00\x00\x00\x00AIFF'), 'AIFF'],
    ['CAF', bytes('caff\x00\x01'), 'Core Audio (CAF)'],
    ['AMR', bytes('#!AMR\n'), 'AMR'],
    ['text', bytes('just some text'), undefined],
    ['a cut RIFF header', bytes('RIFF\x00\x00'), undefined],
  ])('names %s, supported or not, without throwing', (_name, head, expected) => {
    expect(audioFormatName(head)).toBe(expected);
  });
});

describe('id3v2TagSize', () => {
  it('adds the header and the footer to the syncsafe size', () => {
    const head = bytes('ID3\x04\x00\x10', 0x00, 0x00, 0x02, 0x01);

    expect(id3v2TagSize(head)).toBe(10 + 257 + 10);
  });

  it('is 0 for data without a tag or with a size that is not syncsafe', () => {
    expect(id3v2TagSize(bytes('fLaC\x00\x00\x00\x22\x00\x00'))).toBe(0);
    expect(id3v2TagSize(bytes('ID3\x03\x00\x00', 0x80, 0, 0, 0))).toBe(0);
  });
});
