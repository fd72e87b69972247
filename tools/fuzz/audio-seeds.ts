import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** A real audio file the fuzzer mutates. */
export interface AudioSeed {
  name: string;
  /** The extension, passed as the decoder's format hint. */
  extension: string;
  bytes: Uint8Array;
}

const REPO_ROOT = join(__dirname, '..', '..');
/** Where seeds come from: the spoken samples (WAV) and the codec fixtures (FLAC, MP3, Ogg Vorbis/Opus/FLAC). */
const SEED_DIRS = [join(REPO_ROOT, 'samples'), join(REPO_ROOT, 'test', 'fixtures', 'audio')];
const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg', '.oga', '.opus']);

/** Loads every audio file of the seed folders, sorted by name so a seed number means the same file everywhere. */
export function loadAudioSeeds(dirs: readonly string[] = SEED_DIRS): AudioSeed[] {
  const seeds: AudioSeed[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const extension = extname(name).toLowerCase();
      if (!AUDIO_EXTENSIONS.has(extension)) continue;
      seeds.push({
        name,
        extension: extension.slice(1),
        bytes: new Uint8Array(readFileSync(join(dir, name))),
      });
    }
  }
  if (seeds.length === 0) throw new Error(`no audio seeds found in ${dirs.join(', ')}`);
  return seeds;
}
