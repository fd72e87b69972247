import { execFile } from 'node:child_process';
import { join } from 'node:path';

const MB = 1024 * 1024;
const ROOT = join(__dirname, '..', '..');

/** Runs the decode in a fresh Node process, whose peak memory is the decode's alone. */
function decodeInFreshProcess(): Promise<{ code: string; peakGrowthBytes: number; fileBytes: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(__dirname, 'support', 'decode-bomb.ts')],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
      },
    );
  });
}

describe('a FLAC decompression bomb', () => {
  it('fails with AUDIO_TOO_LONG within a bounded amount of memory, though 24 KB decode to 5 minutes of 8 channels', async () => {
    // Prepare: 300 s of 8-channel 96 kHz silence in 65535-sample constant frames, total length zeroed in STREAMINFO

    // Act
    const outcome = await decodeInFreshProcess();

    // Assess: unbounded, one 64 KiB step held all 300 s of planar float32 (≈ 920 MB) at once
    expect(outcome.code).toBe('AUDIO_TOO_LONG');
    expect(outcome.fileBytes).toBeLessThan(30_000);
    expect(outcome.peakGrowthBytes).toBeLessThan(600 * MB);
  });
});
