import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../shared/audio/decode-audio';

/** One activity of a soak: an audio object and its transcript, and the decoded length that identifies it. */
export interface SoakActivity {
  audioKey: string;
  transcriptKey: string;
  wav: Buffer;
  text: string;
  /** Samples at 16 kHz; unique per activity so that inference calls can be counted per activity. */
  samples: number;
}

const SAMPLES_DIR = join(__dirname, '..', '..', 'samples');
const SAMPLE_NAMES = ['blue-notebook', 'harbor-1999', 'puppy-tail', 'quiet-rivers', 'well-known-sailor'];
const RATE = 16_000;
/**
 * Silence added so that every activity decodes to a different length: one sample per index (at most
 * 1,000 samples, 62 ms, so later activities are not longer), and a 1,000-sample step past any collision.
 */
const COLLISION_STEP = 1000;

/** A 16-bit PCM mono WAV of `samples` (clipped to [-1, 1]). */
export function pcm16Wav(samples: Float32Array, rate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * `count` activities under `incoming/<folder>/`: the spoken samples in turn, each padded with a little silence
 * so that it decodes to its own length, aligned to the sample's own transcript.
 */
export async function soakActivities(count: number, folder: string): Promise<SoakActivity[]> {
  const bases = await Promise.all(
    SAMPLE_NAMES.map(async (name) => ({
      audio: await decodeAudioFile(join(SAMPLES_DIR, `${name}.wav`), {
        targetSampleRate: RATE,
        maxDurationSec: 600,
        timeoutMs: 10_000,
      }),
      text: readFileSync(join(SAMPLES_DIR, `${name}.txt`), 'utf8').trim(),
    })),
  );
  const lengths = new Set<number>();
  return Array.from({ length: count }, (_, i) => {
    const base = bases[i % bases.length]!;
    let length = base.audio.samples.length + (i % COLLISION_STEP);
    while (lengths.has(length)) length += COLLISION_STEP;
    lengths.add(length);
    const padded = new Float32Array(length);
    padded.set(base.audio.samples);
    const stem = `incoming/${folder}/${String(i).padStart(4, '0')}`;
    return {
      audioKey: `${stem}.wav`,
      transcriptKey: `${stem}.txt`,
      wav: pcm16Wav(padded, RATE),
      text: base.text,
      samples: padded.length,
    };
  });
}
