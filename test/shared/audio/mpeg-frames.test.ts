import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MpegFrameCheck, parseMpegHeader } from '../../../shared/audio/mpeg-frames';
import type { StreamEnd } from '../../../shared/audio/stream-end';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'audio');
/** The MP3 fixture after its 108-byte ID3v2 tag, which the decoder skips before the frames are walked. */
const FRAMES = readFileSync(join(FIXTURES, 'stereo-440-660.mp3')).subarray(108);

function verdict(bytes: Uint8Array, pieceBytes: number): StreamEnd {
  const check = new MpegFrameCheck();
  for (let at = 0; at < bytes.length; at += pieceBytes) check.push(bytes.subarray(at, at + pieceBytes));
  return check.finish();
}

describe('parseMpegHeader', () => {
  it.each([
    ['MPEG-1 layer III 128 kbit/s 44.1 kHz, padded', 0xfffb9264, { frameBytes: 418, samplesPerFrame: 1152 }],
    ['MPEG-2 layer III 64 kbit/s 22.05 kHz', 0xfff38064, { frameBytes: 208, sampleRate: 22_050 }],
    ['MPEG-1 layer I 448 kbit/s 48 kHz', 0xfffee400, { frameBytes: 448, samplesPerFrame: 384 }],
    ['MPEG-1 layer II 192 kbit/s 48 kHz mono', 0xfffda4c0, { frameBytes: 576, channels: 1 }],
    ['free format', 0xfffb0064, { frameBytes: undefined }],
  ])('reads a %s header', (_name, header, expected) => {
    // Act
    const parsed = parseMpegHeader(header);

    // Assess
    expect(parsed).toMatchObject(expected);
  });

  it.each([
    ['no sync', 0x7ffb9264],
    ['reserved version', 0xffeb9264],
    ['reserved layer (AAC ADTS)', 0xfff15080],
    ['bad bitrate', 0xfffbf264],
    ['reserved sample rate', 0xfffb9e64],
  ])('rejects %s', (_name, header) => {
    // Act
    const parsed = parseMpegHeader(header);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('MpegFrameCheck', () => {
  it('finds the fixture complete, whole or byte by byte', () => {
    // Act
    const verdicts = [verdict(FRAMES, FRAMES.length), verdict(FRAMES, 1)];

    // Assess
    expect(verdicts).toEqual([{ complete: true }, { complete: true }]);
  });

  it('judges every cut of the fixture truncated by its Info header, the same in any piece size', () => {
    // Prepare: cuts from inside the Info frame's successor to inside the last frame.
    const cuts = Array.from({ length: 100 }, (_, i) => 420 + i * 41).filter(
      (cut) => cut < FRAMES.length - 200,
    );

    // Act
    const judged = cuts.map((cut) => [
      verdict(FRAMES.subarray(0, cut), cut),
      verdict(FRAMES.subarray(0, cut), 1),
    ]);

    // Assess
    expect(judged.length).toBeGreaterThan(50);
    for (const [whole, bytewise] of judged) {
      expect(whole).toMatchObject({
        complete: false,
        certain: true,
        reason: expect.stringMatching(/Info header/),
      });
      expect(bytewise).toEqual(whole);
    }
  });

  it('gives no verdict on a free-format stream, whose frame lengths only decoding tells', () => {
    // Prepare
    const free = Buffer.from([0xff, 0xfb, 0x00, 0x64, ...new Array(300).fill(0)]);

    // Act
    const judged = verdict(free, 7);

    // Assess
    expect(judged).toEqual({ complete: true });
  });
});
