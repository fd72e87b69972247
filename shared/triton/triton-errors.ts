import { AlignError } from '../errors';

/**
 * Triton could not be reached or answered with a server-side failure (transport error, timeout, 5xx, 429).
 * Retryable by the pipeline; `transient` says whether the client itself retries it (resets, 429/502/503/504).
 */
export class TritonUnavailableError extends AlignError {
  public constructor(
    message: string,
    public readonly transient: boolean,
    public readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('TRITON_UNAVAILABLE', message, { ...options, retryable: true });
    this.name = 'TritonUnavailableError';
  }
}

/**
 * Triton's reply broke the protocol (malformed JSON, truncated body, shape that disagrees with its bytes).
 * Never read as data; retryable by the pipeline since a proxy or a restarting server usually causes it.
 */
export class TritonReplyError extends AlignError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('TRITON_UNAVAILABLE', `malformed reply from Triton: ${message}`, { ...options, retryable: true });
    this.name = 'TritonReplyError';
  }
}

/** The model on the server is not the one expected, or the server refused the request (4xx). */
export class TritonModelError extends AlignError {
  public constructor(
    message: string,
    public readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('MODEL', message, options);
    this.name = 'TritonModelError';
  }
}
