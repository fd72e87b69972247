import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AlignError, InvalidInputError, SourceChangedError } from '../errors';
import type { ObjectDownload, ObjectHead, ObjectLocation, ObjectStore } from '../pipeline/object-store';
import { FolderAccessError, UnsafeKeyError } from './folder-errors';

/** Bytes per read when a file is streamed. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** A file below a root, as `list` gives it. */
export interface FolderEntry {
  key: string;
  size: number;
}

/**
 * An object store on local folders: each "bucket" is a named root folder, each key a `/`-separated path below
 * it. A file's version is its size and modification time: hashing gigabytes of audio on every run would cost
 * more than the up-to-date check saves. Writes go to a temporary file renamed into place, so a reader sees the
 * old file or the new one, never part of one. Keys stay inside their root: `.`, `..` and empty segments,
 * absolute paths, NUL, backslashes and paths that leave the root through a symbolic link are refused. A folder
 * has nowhere to keep object metadata, so `put` drops it and `head` answers none.
 */
export class FolderStore implements ObjectStore {
  public constructor(private readonly roots: Readonly<Record<string, string>>) {}

  /** The file's size and version, or undefined when there is no regular file at `key`. */
  public async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const path = await this.confined(bucket, key);
    let info: BigIntStats;
    try {
      info = await stat(path, { bigint: true });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new FolderAccessError('read', path, error);
    }
    return info.isFile() ? { etag: versionOf(info), size: Number(info.size), metadata: {} } : undefined;
  }

  /** Streams a file; with `expectedEtag`, a file changed since its head is refused with a retryable error. */
  public async download(
    bucket: string,
    key: string,
    _knownSize?: number,
    expectedEtag?: string,
  ): Promise<ObjectDownload> {
    const path = await this.confined(bucket, key);
    const handle = await openFile(path);
    try {
      const info = await handle.stat({ bigint: true });
      const etag = versionOf(info);
      if (expectedEtag !== undefined && etag !== expectedEtag) {
        throw new SourceChangedError(
          `${path} changed while it was being processed (version ${expectedEtag}, now ${etag}); ` +
            'it is read again as the new version',
        );
      }
      return { body: chunksOf(handle, path), etag, size: Number(info.size) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** A whole small file as stored, or undefined when there is none; larger than `maxBytes` is refused. */
  public async readBytes(
    bucket: string,
    key: string,
    maxBytes: number,
  ): Promise<{ bytes: Uint8Array; etag: string } | undefined> {
    const path = await this.confined(bucket, key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new FolderAccessError('read', path, error);
    }
    try {
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) return undefined;
      if (info.size > BigInt(maxBytes)) {
        throw new InvalidInputError(`${path} is ${info.size} bytes; at most ${maxBytes} are read`);
      }
      return { bytes: await handle.readFile(), etag: versionOf(info) };
    } catch (error) {
      if (error instanceof AlignError) throw error;
      throw new FolderAccessError('read', path, error);
    } finally {
      await handle.close();
    }
  }

  /** Writes a file atomically (a temporary file beside it, renamed into place); `options` are not kept. */
  public async put(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    _options: { contentType: string; metadata?: Record<string, string> | undefined },
  ): Promise<void> {
    const root = this.rootOf(bucket);
    await mkdir(root, { recursive: true }).catch((error: unknown) => {
      throw new FolderAccessError('write', root, error);
    });
    const path = await this.confined(bucket, key);
    // A short name: the file's own name plus a suffix could pass the file system's name limit.
    const temporary = join(dirname(path), `.w2v2-align-${randomBytes(8).toString('hex')}.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(body);
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new FolderAccessError('write', path, error);
    }
  }

  /** Removes a file; one that is not there is fine. */
  public async delete(bucket: string, key: string): Promise<void> {
    const path = await this.confined(bucket, key);
    await rm(path, { force: true }).catch((error: unknown) => {
      throw new FolderAccessError('delete', path, error);
    });
  }

  /** Every regular file below the root, sorted by key; symbolic links are neither listed nor followed. */
  public async list(bucket: string): Promise<FolderEntry[]> {
    const root = this.rootOf(bucket);
    try {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const paths = entries
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
      const files = await Promise.all(
        paths.map(async (path) => ({
          key: relative(root, path).split(sep).join('/'),
          size: (await stat(path)).size,
        })),
      );
      return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    } catch (error) {
      throw new FolderAccessError('list', root, error);
    }
  }

  /** A file is named by its path. */
  public locate(bucket: string, key: string): ObjectLocation {
    return { path: join(this.rootOf(bucket), ...key.split('/')) };
  }

  private rootOf(bucket: string): string {
    const root = this.roots[bucket];
    if (root === undefined)
      throw new AlignError('INTERNAL', `the folder store has no folder named "${bucket}"`);
    return root;
  }

  /**
   * The path of `key` below its root, once the key is known to stay there: lexically, and through symbolic
   * links, by resolving the deepest part of the path that exists (what a read opens, or a write creates in).
   */
  private async confined(bucket: string, key: string): Promise<string> {
    checkKeyShape(key);
    const root = this.rootOf(bucket);
    const path = join(root, ...key.split('/'));
    let realRoot: string;
    try {
      realRoot = await realpath(root);
    } catch (error) {
      if (isMissing(error)) return path;
      throw new FolderAccessError('read', root, error);
    }
    for (let probe = path; ; probe = dirname(probe)) {
      let real: string;
      try {
        real = await realpath(probe);
      } catch (error) {
        if (isMissing(error)) continue;
        throw new FolderAccessError('read', probe, error);
      }
      if (!isWithin(realRoot, real)) {
        throw new UnsafeKeyError(key, 'it leads out of the folder through a symbolic link');
      }
      return path;
    }
  }
}

/** Keys are relative, `/`-separated paths of plain segments. */
function checkKeyShape(key: string): void {
  if (key.includes('\u0000')) throw new UnsafeKeyError(key, 'it contains a NUL character');
  if (isAbsolute(key)) throw new UnsafeKeyError(key, 'it is an absolute path');
  // A separator on Windows, where a key like `a\..\..\x` would walk out of the folder.
  if (key.includes('\\')) throw new UnsafeKeyError(key, 'it contains a backslash');
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new UnsafeKeyError(key, 'it has an empty, "." or ".." path segment');
  }
}

/** The version of a file: its size and modification time in nanoseconds. */
function versionOf(info: BigIntStats): string {
  return `${info.size}-${info.mtimeNs}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new FolderAccessError('read', path, error);
  }
}

/** The file's bytes, read in chunks; the handle is closed when the reader finishes or stops. */
async function* chunksOf(handle: FileHandle, path: string): AsyncIterable<Uint8Array> {
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        throw new FolderAccessError('read', path, error);
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
