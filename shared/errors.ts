/** Stable failure codes (docs/errors.md#codes); they appear in failure records, metrics and CLI errors. */
export const ERROR_CODES = [
  'AUDIO_DECODE',
  'AUDIO_TOO_LONG',
  'TRANSCRIPT_EMPTY',
  'UNKNOWN_TOKENS',
  'ALIGNMENT_IMPOSSIBLE',
  'MODEL',
  'TRITON_UNAVAILABLE',
  'S3',
  'TIMEOUT',
  'CONFIG',
  'INVALID_INPUT',
  'INTERNAL',
] as const;

/** One of the stable failure codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes that describe what a user sent (the file, its transcript, the request): they are the user's to fix
 * and page nobody. Every other code means the system failed, which the stack's alarms watch.
 */
export const INPUT_ERROR_CODES = [
  'AUDIO_DECODE',
  'AUDIO_TOO_LONG',
  'TRANSCRIPT_EMPTY',
  'UNKNOWN_TOKENS',
  'ALIGNMENT_IMPOSSIBLE',
  'INVALID_INPUT',
] as const satisfies readonly ErrorCode[];

/** The codes that mean the system failed (model, Triton, S3, time, configuration, bugs). */
export const SYSTEM_ERROR_CODES: readonly ErrorCode[] = ERROR_CODES.filter(
  (code) => !(INPUT_ERROR_CODES as readonly ErrorCode[]).includes(code),
);

/** Whether a string is one of the stable codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Base of every error the project throws on purpose; `code` is stable, `message` is for people. */
export class AlignError extends Error {
  public readonly code: ErrorCode;
  public readonly retryable: boolean;

  public constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AlignError';
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** The audio is too short for the transcript: the CTC trellis has no complete path. */
export class AlignmentImpossibleError extends AlignError {
  public constructor(
    public readonly framesNeeded: number,
    public readonly framesAvailable: number,
  ) {
    super(
      'ALIGNMENT_IMPOSSIBLE',
      `audio too short for the transcript: aligning it needs at least ${framesNeeded} frames ` +
        `(one per token plus one blank between repeated tokens) but the audio has ${framesAvailable}`,
    );
    this.name = 'AlignmentImpossibleError';
  }
}

/**
 * Enough frames, but the emissions give probability zero (log-prob -Infinity) to every complete CTC path of the
 * transcript; same stable code as a too-short audio, since both mean "this text cannot be aligned to this audio".
 */
export class AlignmentUnreachableError extends AlignError {
  public constructor(detail: string) {
    super('ALIGNMENT_IMPOSSIBLE', `the transcript cannot be aligned to the audio: ${detail}`);
    this.name = 'AlignmentUnreachableError';
  }
}

/**
 * The alignment exists but its mean word score is below the minimum the caller asked for (`--min-score`). Same
 * stable code as the two above: all three say "this transcript does not fit this audio", the user's to fix, and
 * the closed set of codes (docs/errors.md) has no other that does (INVALID_INPUT is a malformed request).
 */
export class ScoreBelowMinimumError extends AlignError {
  public constructor(
    public readonly meanWordScore: number,
    public readonly minScore: number,
  ) {
    super(
      'ALIGNMENT_IMPOSSIBLE',
      `mean word score ${meanWordScore} is below the minimum of ${minScore} asked for: the transcript does not ` +
        'fit the audio well enough (is it the transcript of this audio?)',
    );
    this.name = 'ScoreBelowMinimumError';
  }
}

/** Transcript characters that have no token in the model vocabulary (DECODER_ROBUST_MODE=false). */
export class UnknownTokensError extends AlignError {
  public constructor(public readonly tokens: readonly string[]) {
    super(
      'UNKNOWN_TOKENS',
      `transcript has characters the model vocabulary does not contain: ${tokens.map((t) => JSON.stringify(t)).join(', ')}; ` +
        'remove them or set DECODER_ROBUST_MODE=true to skip them',
    );
    this.name = 'UnknownTokensError';
  }
}

/** The transcript has nothing alignable after normalisation. */
export class TranscriptEmptyError extends AlignError {
  public constructor(detail: string) {
    super('TRANSCRIPT_EMPTY', detail);
    this.name = 'TranscriptEmptyError';
  }
}

/** A caller passed something that breaks a documented precondition (shape, range, format). */
export class InvalidInputError extends AlignError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
    this.name = 'InvalidInputError';
  }
}

/**
 * An input changed while it was processed (a download found another version than its head, or the activity's
 * inputs moved on before its result was committed), so it must be read again: retryable, and the user's
 * (INVALID_INPUT) should it keep changing through every retry, since nothing in the system failed.
 */
export class SourceChangedError extends AlignError {
  public constructor(message: string) {
    super('INVALID_INPUT', message, { retryable: true });
    this.name = 'SourceChangedError';
  }
}

/** A configuration value that cannot be used; the message names the variable (or context key). */
export class ConfigError extends AlignError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
    this.name = 'ConfigError';
  }
}

/** A broken internal invariant: a bug in this code, never the input's fault; the message names what broke. */
export class InternalError extends AlignError {
  public constructor(message: string) {
    super('INTERNAL', message);
    this.name = 'InternalError';
  }
}

/** Wraps anything thrown into an AlignError so callers always get a code. */
export function toAlignError(error: unknown): AlignError {
  if (error instanceof AlignError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AlignError('INTERNAL', message, { cause: error });
}
