import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, found from this file so tests never depend on the working directory. */
export const REPO_ROOT = join(__dirname, '..', '..');
export const DEMO_MODEL_DIR = join(REPO_ROOT, 'models', 'demo-en');
export const SAMPLES_DIR = join(REPO_ROOT, 'samples');

/** Ground-truth word times of a bundled sample (from espeak's phoneme events). */
export interface SampleTruth {
  text: string;
  sampleRate: number;
  words: { word: string; start: number; end: number }[];
}

/** Reads `samples/<name>.truth.json`. */
export function sampleTruth(name: string): SampleTruth {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, `${name}.truth.json`), 'utf8')) as SampleTruth;
}
