import { join } from 'node:path';
import { jsonReference, type ReferenceWord, textGridReference } from '../shared/align/reference-words';
import { AlignError, InvalidInputError } from '../shared/errors';
import type { FolderEntry } from '../shared/folder/folder-store';
import { readTextGrid, textGridSource } from '../shared/output/textgrid-reader';
import { AUDIO_EXTENSIONS, hasAudioExtension } from '../shared/pipeline/input-extensions';
import { transcriptText } from '../shared/text/transcript-bytes';
import { readInputFile, readJsonFile } from './cli-input';

/** An audio file with its reference word times and its transcript, as calibrate reads them. */
export interface CalibrationPair {
  /** Paths relative to the folder, `/`-separated, for the report. */
  audio: string;
  reference: string;
  /** The `<name>.txt` transcript, or undefined when the reference words are the transcript. */
  transcript: string | undefined;
  text: string;
  referenceWords: ReferenceWord[];
}

/** Reference files in the order they are looked for beside `<name>.<audio ext>`; the first that is one wins. */
const REFERENCE_SUFFIXES = ['.textgrid', '.truth.json', '.json'] as const;

/**
 * Every audio file under `root` (as `files` lists it) that has a reference beside it: `<name>.TextGrid` (any
 * case), else `<name>.truth.json`, else a `<name>.json` with a `words` list (a `<name>.json` without one is
 * align-dir's descriptor, not a reference). Each reference is read, at most the CLI's input file limit, and the
 * transcript is `<name>.txt` when there is one, else the reference words joined by spaces.
 */
export async function calibrationPairs(
  root: string,
  files: readonly FolderEntry[],
): Promise<CalibrationPair[]> {
  const byName = new Map(files.map((file) => [file.key.toLowerCase(), file.key]));
  const pairs: CalibrationPair[] = [];
  for (const file of files) {
    if (!hasAudioExtension(file.key)) continue;
    const name = file.key.slice(0, file.key.lastIndexOf('.'));
    const found = await findReference(root, name, byName);
    if (found === undefined) continue;
    const transcript = byName.get(`${name}.txt`.toLowerCase());
    const text =
      transcript === undefined
        ? found.words.map((word) => word.text).join(' ')
        : transcriptText(
            await readInputFile(join(root, transcript), 'transcript'),
            `transcript file "${transcript}"`,
          );
    pairs.push({ audio: file.key, reference: found.key, transcript, text, referenceWords: found.words });
  }
  return pairs;
}

/** Why a folder has nothing to calibrate on, for the usage error. */
export function noPairsMessage(root: string): string {
  const audio = AUDIO_EXTENSIONS.map((ext) => `.${ext}`).join(', ');
  return (
    `no audio file (${audio}) under ${root} has a reference beside it: ` +
    '<name>.TextGrid with a "words" tier, <name>.truth.json, or a <name>.json result with "words"'
  );
}

async function findReference(
  root: string,
  name: string,
  byName: ReadonlyMap<string, string>,
): Promise<{ key: string; words: ReferenceWord[] } | undefined> {
  for (const suffix of REFERENCE_SUFFIXES) {
    const key = byName.get(`${name}${suffix}`.toLowerCase());
    if (key === undefined) continue;
    const words = await readReference(join(root, key), suffix).catch((error: unknown) => {
      throw inFile(key, error);
    });
    if (words !== undefined) return { key, words };
  }
  return undefined;
}

/** The reference's words, or undefined for a `<name>.json` that is not a reference. */
async function readReference(path: string, suffix: string): Promise<ReferenceWord[] | undefined> {
  if (suffix === '.textgrid') {
    return textGridReference(readTextGrid(textGridSource(await readInputFile(path, 'reference'))));
  }
  const words = jsonReference(await readJsonFile<unknown>(path, 'reference'));
  if (words === undefined && suffix === '.truth.json') throw new InvalidInputError('it has no "words" list');
  return words;
}

/** An error about one file of the folder, that file named first unless the message names it already. */
export function inFile(key: string, error: unknown): unknown {
  if (!(error instanceof AlignError) || error.message.includes(key)) return error;
  return new AlignError(error.code, `${key}: ${error.message}`, { cause: error });
}
