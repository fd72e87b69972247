/**
 * Decodes the FLAC bomb in a process of its own and prints `{"code", "peakGrowthBytes"}`: the peak resident
 * size since this process started, less the size before decoding, so earlier work of a test worker never
 * counts against the bound.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioBuffer } from '../../../shared/audio/decode-audio';
import { toAlignError } from '../../../shared/errors';

async function main(): Promise<void> {
  const bomb = readFileSync(join(__dirname, '..', 'fixtures', 'flac-bomb.flac'));
  const rssBefore = process.memoryUsage().rss;
  let code = 'NONE';
  try {
    await decodeAudioBuffer(bomb, { targetSampleRate: 16_000, maxDurationSec: 60, timeoutMs: 10_000 });
  } catch (error) {
    code = toAlignError(error).code;
  }
  const peakGrowthBytes = process.resourceUsage().maxRSS * 1024 - rssBefore;
  process.stdout.write(`${JSON.stringify({ code, peakGrowthBytes, fileBytes: bomb.length })}\n`);
}

void main();
