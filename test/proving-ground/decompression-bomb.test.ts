import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioBuffer } from '../../shared/audio/decode-audio';

const MB = 1024 * 1024;

describe('a FLAC decompression bomb', () => {
  it('fails with AUDIO_TOO_LONG within a bounded amount of memory, though 24 KB decode to 5 minutes of 8 channels', async () => {
    // Prepare: 300 s of 8-channel 96 kHz silence in 65535-sample constant frames, total length zeroed in STREAMINFO
    const bomb = readFileSync(join(__dirname, 'fixtures', 'flac-bomb.flac'));
    const rssBefore = process.memoryUsage().rss;

    // Act
    const outcome = decodeAudioBuffer(bomb, {
      targetSampleRate: 16_000,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });

    // Assess: unbounded, one 64 KiB step held all 300 s of planar float32 (≈ 920 MB) at once
    await expect(outcome).rejects.toMatchObject({ code: 'AUDIO_TOO_LONG' });
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - rssBefore;
    expect(bomb.length).toBeLessThan(30_000);
    expect(peakGrowth).toBeLessThan(600 * MB);
  });
});
