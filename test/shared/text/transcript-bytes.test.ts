import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../shared/errors';
import { transcriptText } from '../../../shared/text/transcript-bytes';
import { REPO_ROOT, SAMPLES_DIR } from '../../helpers/demo-model';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'audio');

describe('transcriptText', () => {
  it('reads UTF-8 text, accents, emoji and line breaks included, and drops a byte-order mark', () => {
    // Prepare
    const text = 'Café déjà vu 🎉\r\n\tnaïve — “quoted”\n';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);

    // Act
    const read = transcriptText(withBom, 'transcript t.txt');

    // Assess
    expect(read).toBe(text);
    expect(transcriptText(readFileSync(join(SAMPLES_DIR, 'harbor-1999.txt')), 'x')).toBe(
      readFileSync(join(SAMPLES_DIR, 'harbor-1999.txt'), 'utf8'),
    );
    expect(transcriptText(new Uint8Array(0), 'empty.txt')).toBe('');
  });

  it.each([
    [join(SAMPLES_DIR, 'puppy-tail.wav'), 'a WAV file'],
    [join(FIXTURES, 'stereo-440-660.flac'), 'a FLAC file'],
    [join(FIXTURES, 'stereo-440-660.ogg'), 'an Ogg file'],
    [join(FIXTURES, 'stereo-440-660.opus'), 'an Ogg file'],
    [join(FIXTURES, 'stereo-440-660.mp3'), 'an MP3 file'],
  ])('says %s is not text and what it looks like', (path, looksLike) => {
    // Act
    const read = (): string => transcriptText(readFileSync(path), 'transcript file "speech.txt"');

    // Assess
    expect(read).toThrow(InvalidInputError);
    expect(read).toThrow(`transcript file "speech.txt" is not text (it looks like ${looksLike})`);
  });

  it.each([
    ['an MP3 frame without a tag', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'it looks like an MP3 file'],
    [
      'an M4A file',
      Buffer.from('\u0000\u0000\u0000\u0020ftypM4A ', 'latin1'),
      'it looks like an MP4/M4A file',
    ],
    [
      'an AIFF file',
      Buffer.from('FORM\u0000\u0001\u0000\u0000AIFFCOMM', 'latin1'),
      'it looks like an AIFF file',
    ],
    [
      'a BW64 WAV file',
      Buffer.from('BW64\u00ff\u00ff\u00ff\u00ffWAVEds64', 'latin1'),
      'it looks like a WAV file',
    ],
    [
      'a CAF file',
      Buffer.from('caff\u0000\u0001\u0000\u0000', 'latin1'),
      'it looks like a Core Audio (CAF) file',
    ],
    ['an AMR file', Buffer.from('#!AMR\n<', 'latin1'), 'it looks like an AMR file'],
    ['a PDF', Buffer.from('%PDF-1.7\n'), 'it looks like a PDF document'],
    ['a Word document', Buffer.from('PK\u0003\u0004\u0014\u0000', 'latin1'), 'it looks like a ZIP archive'],
    ['data with a NUL byte', Buffer.from('hello\u0000world'), 'it has a NUL byte at offset 5'],
    [
      'control characters',
      Buffer.from('\u0001\u0002\u0003abc\u0004\u0005'),
      '5 of its 8 characters are control',
    ],
  ])('refuses %s as not text', (_name, bytes, why) => {
    // Act
    const read = (): string => transcriptText(bytes, 'transcript incoming/a.txt');

    // Assess
    expect(read).toThrow(`transcript incoming/a.txt is not text (${why}`);
  });

  it('refuses text that is not UTF-8, pointing at the first byte that breaks it', () => {
    // Prepare: Latin-1 "café au lait", é as the single byte 0xE9.
    const latin1 = Buffer.from('café au lait', 'latin1');

    // Act
    const read = (): string => transcriptText(latin1, 'transcript file "notes.txt"');

    // Assess
    expect(read).toThrow(
      'transcript file "notes.txt" is not UTF-8 text (byte 0xe9 at offset 3 is not valid UTF-8 there); save it as UTF-8',
    );
    expect(() => transcriptText(Buffer.from([0xc3, 0xa9, 0xa9, 0x61]), 'stray.txt')).toThrow(
      'byte 0xa9 at offset 2 is not valid UTF-8 there',
    );
    expect(() => transcriptText(Buffer.from([0x61, 0xe2, 0x82]), 'cut.txt')).toThrow(
      'it ends inside a UTF-8 character',
    );
  });

  it('says UTF-16 text (what Windows editors call "Unicode") must be saved as UTF-8', () => {
    // Prepare
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello', 'utf16le')]);

    // Act
    const read = (): string => transcriptText(utf16, 'transcript file "win.txt"');

    // Assess
    expect(read).toThrow('transcript file "win.txt" is UTF-16 text, not UTF-8; save it as UTF-8');
  });

  it('accepts a few control characters in a long text, as a terminal copy leaves them', () => {
    // Prepare
    const text = `\u001b[1m${'a fairly long line of words '.repeat(4)}\u001b[0m`;

    // Act
    const read = transcriptText(Buffer.from(text), 'copied.txt');

    // Assess
    expect(read).toBe(text);
  });
});
