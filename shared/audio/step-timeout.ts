import { AlignError } from '../errors';

/** The TIMEOUT error for a step (`what`) that ran past `timeoutMs`. */
export function timeoutError(what: string, timeoutMs: number): AlignError {
  return new AlignError(
    'TIMEOUT',
    `${what} took longer than ${timeoutMs} ms (AUDIO_READ_TIMEOUT_SEC); the source stalled or the audio is ` +
      'pathological; retry, or raise the timeout',
    { retryable: true },
  );
}

/** Resolves like `promise`, or rejects with TIMEOUT (naming `timeoutMs`) once `waitMs` pass first. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
  waitMs: number = timeoutMs,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(what, timeoutMs)), Math.max(0, waitMs));
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one synchronous decode step and fails with TIMEOUT if it ran past `timeoutMs`. Synchronous WASM and
 * DSP work cannot be interrupted on this thread, so the check comes after the step: it stops a decode that
 * has slowed to a crawl at the next block rather than letting it run on.
 */
export async function timedStep<T>(timeoutMs: number, what: string, step: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await withTimeout(Promise.resolve(step()), timeoutMs, what);
  if (performance.now() - started > timeoutMs) throw timeoutError(what, timeoutMs);
  return result;
}
