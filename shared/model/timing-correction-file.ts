import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimingCorrection } from '../align/timing-fit';
import { AlignError } from '../errors';
import { CONFIG_FILE, isJsonObject, readModelJson } from './model-settings';

/**
 * Sets `timing_correction` in a model directory's config.json, every other field kept in its place, written
 * with a 2-space indent under a temporary name and renamed, so a reader never sees half a file. Returns the path.
 */
export async function writeTimingCorrection(dir: string, correction: TimingCorrection): Promise<string> {
  const path = join(dir, CONFIG_FILE);
  const failed = (doing: string, error: unknown): AlignError =>
    new AlignError(
      'MODEL',
      `cannot ${doing} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  const [config, mode] = await Promise.all([
    readModelJson(path, true),
    // The rewritten file keeps the old one's permissions.
    stat(path).then(
      (info) => info.mode,
      (error: unknown) => {
        throw failed('read', error);
      },
    ),
  ]);
  if (!isJsonObject(config)) throw new AlignError('MODEL', `${path} is not a JSON object`);
  const previous = config.timing_correction;
  const updated = {
    ...config,
    // Fields of its own that a model directory keeps beside the two (a note on the data) stay.
    timing_correction: {
      ...(typeof previous === 'object' && previous !== null ? previous : {}),
      start_sec: correction.startSec,
      end_sec: correction.endSec,
    },
  };
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(updated, null, 2)}\n`, { mode });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw failed('write', error);
  }
  return path;
}
