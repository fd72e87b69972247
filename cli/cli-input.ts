import { readFile } from 'node:fs/promises';
import { AlignError, InvalidInputError } from '../shared/errors';

/** The transcript from `--text` or `--text-file` (exactly one of them), UTF-8 with any BOM removed. */
export async function readTextArgument(
  text: string | undefined,
  textFile: string | undefined,
): Promise<string> {
  if (text !== undefined && textFile === undefined) return text;
  if (textFile !== undefined && text === undefined) {
    return (await readInputFile(textFile, 'transcript')).toString('utf8').replace(/^\uFEFF/, '');
  }
  throw new InvalidInputError('give the transcript with exactly one of --text "..." or --text-file FILE');
}

/** Reads and parses a JSON file the user named, with errors that say which file and why. */
export async function readJsonFile<T>(path: string, what: string): Promise<T> {
  const bytes = await readInputFile(path, what);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new InvalidInputError(`${what} file "${path}" is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (error instanceof AlignError) throw error;
    throw new InvalidInputError(
      `cannot read ${what} file "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        cause: error,
      },
    );
  }
}
