import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioBuffer } from '../../shared/audio/decode-audio';

describe('a corrupt Ogg Vorbis file the decoder turns into NaN (fuzz case 15421, seed 1)', () => {
  it('fails with AUDIO_DECODE naming the first non-finite sample instead of handing NaN to the model', async () => {
    // Prepare
    const bytes = readFileSync(join(__dirname, 'fixtures', 'vorbis-nan.ogg'));

    // Act
    const outcome = decodeAudioBuffer(bytes, {
      targetSampleRate: 16_000,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });

    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'AUDIO_DECODE',
      message: expect.stringMatching(/NaN at frame \d+/),
    });
  });
});
