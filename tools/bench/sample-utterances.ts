import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../shared/audio/decode-audio';

const SAMPLES_DIR = join(__dirname, '..', '..', 'samples');
const NAMES = ['harbor-1999', 'puppy-tail', 'quiet-rivers', 'blue-notebook', 'well-known-sailor'];

/** A bundled sample utterance, decoded, with its transcript. */
export interface SampleUtterance {
  samples: Float32Array;
  text: string;
}

/** The sample utterances under samples/ that are there, decoded at `sampleRate`, in a fixed order. */
export async function sampleUtterances(sampleRate: number): Promise<SampleUtterance[]> {
  const utterances: SampleUtterance[] = [];
  for (const name of NAMES) {
    const path = join(SAMPLES_DIR, `${name}.wav`);
    if (!existsSync(path)) continue;
    const decoded = await decodeAudioFile(path, {
      targetSampleRate: sampleRate,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });
    utterances.push({
      samples: decoded.samples,
      text: readFileSync(join(SAMPLES_DIR, `${name}.txt`), 'utf8').trim(),
    });
  }
  return utterances;
}
