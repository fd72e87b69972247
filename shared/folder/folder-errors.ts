import { AlignError, InvalidInputError } from '../errors';

/** File system errors that may pass on their own (too many open files, a busy or interrupted call). */
const TRANSIENT_CODES = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EMFILE', 'ENFILE']);

/** A key the folder store will not map to a file, because the file could lie outside its folder. */
export class UnsafeKeyError extends InvalidInputError {
  public constructor(key: string, reason: string) {
    super(`refusing key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'UnsafeKeyError';
  }
}

/** A file could not be read or written; `retryable` when the system error may pass on its own. */
export class FolderAccessError extends AlignError {
  public constructor(operation: 'read' | 'write' | 'list' | 'delete', path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('INVALID_INPUT', `cannot ${operation} ${path}: ${detail}`, {
      cause,
      retryable: code !== undefined && TRANSIENT_CODES.has(code),
    });
    this.name = 'FolderAccessError';
  }
}
