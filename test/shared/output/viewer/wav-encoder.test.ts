import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudioFile } from '../../../../shared/audio/decode-audio';
import { encodeWav16 } from '../../../../shared/output/viewer/wav-encoder';

describe('encodeWav16', () => {
  it('writes a 16-bit mono WAV that the project decoder reads back', async () => {
    // Prepare
    const samples = new Float32Array(1600).map((_, i) => 0.5 * Math.sin(i / 10));
    const path = join(mkdtempSync(join(tmpdir(), 'w2v2-wav-')), 'tone.wav');

    // Act
    writeFileSync(path, encodeWav16(samples, 16000));
    const decoded = await decodeAudioFile(path, {
      targetSampleRate: 16000,
      maxDurationSec: 10,
      timeoutMs: 5000,
    });

    // Assess
    expect(decoded.info).toMatchObject({ sampleRate: 16000, channels: 1, codec: 'pcm_s16le' });
    expect(decoded.samples.length).toBe(1600);
    const worst = Math.max(...decoded.samples.map((value, i) => Math.abs(value - samples[i]!)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('clips values outside [-1, 1]', () => {
    const wav = encodeWav16(Float32Array.of(2, -2), 8000);

    expect(wav.readInt16LE(44)).toBe(32767);
    expect(wav.readInt16LE(46)).toBe(-32767);
  });
});
