import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AlignError, InvalidInputError } from '../shared/errors';
import { MAX_TRANSCRIPT_BYTES } from '../shared/pipeline/transcript-discovery';
import { transcriptText } from '../shared/text/transcript-bytes';

/** The transcript from `--text` or `--text-file` (exactly one of them): a file must be UTF-8 text, any BOM removed. */
export async function readTextArgument(
  text: string | undefined,
  textFile: string | undefined,
): Promise<string> {
  if (text !== undefined && textFile === undefined) return text;
  if (textFile !== undefined && text === undefined) {
    return transcriptText(await readInputFile(textFile, 'transcript'), `transcript file "${textFile}"`);
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

/**
 * A file's bytes, at most the pipeline's transcript limit (descriptors and JSON alike): a regular file is refused
 * by its size, a FIFO or device (`/dev/zero`, stdin) once it has sent more.
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  const tooLarge = (found: string) =>
    new InvalidInputError(`${what} file "${path}" ${found}; at most ${MAX_TRANSCRIPT_BYTES} bytes are read`);
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > MAX_TRANSCRIPT_BYTES) throw tooLarge(`is ${info.size} bytes`);
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > MAX_TRANSCRIPT_BYTES) throw tooLarge(`sent more than ${MAX_TRANSCRIPT_BYTES} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
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
