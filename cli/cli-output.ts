import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { InvalidInputError } from '../shared/errors';
import { formatExtension, parseFormats } from '../shared/output/render';
import { KNOWN_OUTPUT_FORMATS, type OutputFormat } from '../shared/output/result';
import type { CliIo } from './cli-command';

/** The --help lines of the commands that write one result, to stdout or `--out FILE`. */
export const FILE_OUTPUT_NOTES: readonly string[] = [
  `--format defaults to the format --out's extension names (${KNOWN_OUTPUT_FORMATS.map(formatExtension).join(' ')}), else json.`,
  '--format html writes a whole web page: give --out FILE.html or redirect stdout to a file.',
];

/**
 * The one format of `--format`, else the one `out`'s extension names, else JSON. Refuses an extension that
 * names another format, and the HTML page on a terminal, where it would be a screenful of markup.
 */
export function outputFormat(format: string | undefined, out: string | undefined, io: CliIo): OutputFormat {
  const named = out === undefined ? undefined : extensionFormat(out);
  let chosen = named ?? 'json';
  if (format !== undefined) {
    const [only, ...more] = parseFormats(format);
    if (only === undefined || more.length > 0) throw new InvalidInputError('--format takes one format');
    if (named !== undefined && named !== only) {
      throw new InvalidInputError(
        `--out "${out}" names a ${named} file but --format is ${only}; drop --format or end --out with ${formatExtension(only)}`,
      );
    }
    chosen = only;
  }
  if (chosen === 'html' && out === undefined && io.stdout.isTTY === true) {
    throw new InvalidInputError(
      '--format html writes a whole web page, not for a terminal; give --out FILE.html or redirect stdout to a file',
    );
  }
  return chosen;
}

function extensionFormat(path: string): OutputFormat | undefined {
  const extension = extname(path).toLowerCase();
  return KNOWN_OUTPUT_FORMATS.find((format) => formatExtension(format).toLowerCase() === extension);
}

/** Fails before any work when `--out FILE` cannot be written: its folder missing, not a folder or read-only. */
export async function checkOutputFile(out: string | undefined): Promise<void> {
  if (out === undefined) return;
  const path = resolve(out);
  const folder = dirname(path);
  const found = await nearestExisting(path, out);
  if (found.path === path && found.info.isDirectory()) {
    throw new InvalidInputError(`--out "${out}" is a folder; name a file`);
  }
  if (found.path !== path && found.path !== folder) {
    throw new InvalidInputError(`--out "${out}": folder "${folder}" does not exist`);
  }
  await checkWritable(found, out, found.path === folder);
}

/**
 * Fails before any work when the results folder cannot be written: a file, or under a file or a read-only
 * folder. A folder that is not there yet is fine where it can be made, as writing the results makes it.
 */
export async function checkOutputFolder(folder: string): Promise<void> {
  await checkWritable(await nearestExisting(resolve(folder), folder), folder, true);
}

interface Found {
  path: string;
  info: Stats;
}

/** `path` itself, or the nearest folder above it that exists. */
async function nearestExisting(path: string, out: string): Promise<Found> {
  for (let at = path; ; at = dirname(at)) {
    try {
      return { path: at, info: await stat(at) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file stands where a folder should; going up finds it and reports it as not a folder.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) {
        throw new InvalidInputError(`--out "${out}": "${at}" cannot be used (${code ?? error})`, {
          cause: error,
        });
      }
    }
  }
}

/** Whether what was found can be written: the file to overwrite, or the folder to write (or make one) in. */
async function checkWritable(found: Found, out: string, folderNeeded: boolean): Promise<void> {
  if (folderNeeded && !found.info.isDirectory()) {
    throw new InvalidInputError(`--out "${out}": "${found.path}" is not a folder`);
  }
  await requireWritable(found.path, `--out "${out}":`);
}

/** Fails when `path` is not a folder (or is missing); `fix`, when given, says what to give instead. */
export async function requireFolder(path: string, fix?: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new InvalidInputError(`"${path}" is not a folder${fix === undefined ? '' : `: ${fix}`}`);
  }
}

/** Fails when `path` cannot be written; `label` names it first, and `fix`, when given, says what to do instead. */
export async function requireWritable(path: string, label: string, fix?: string): Promise<void> {
  await access(path, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(
      `${label} "${path}" is not writable (${error.code ?? error})${fix === undefined ? '' : `; ${fix}`}`,
      { cause: error },
    );
  });
}
