import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { encodeWav16 } from '../../shared/output/viewer/wav-encoder';

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
      wav: encodeWav16(padded, RATE),
      text: base.text,
      samples: padded.length,
    };
  });
}
