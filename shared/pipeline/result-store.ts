import type { AlignError } from '../errors';
import { formatExtension, renderResult } from '../output/render';
import type { AlignmentResult, OutputFormat, ResultSource } from '../output/result';
import type { ViewerAudio } from '../output/viewer/html-viewer';
import type { S3Store } from '../s3/s3-store';

/** `failed/<path>/<name>.json` (SPEC §3). */
export interface FailureRecord {
  error: { code: string; message: string };
  source: ResultSource;
  /** Tries made in the invocation that gave up. */
  attempt: number;
  /** SQS delivery count when the event came through SQS, else 1. */
  delivery: number;
  at: string;
}

/** The ETags a result was computed from, kept as object metadata so a HEAD answers "is it up to date?". */
export interface SourceVersions {
  audioEtag: string;
  transcriptEtag: string | undefined;
}

const AUDIO_ETAG = 'audio-etag';
const TRANSCRIPT_ETAG = 'transcript-etag';

const CONTENT_TYPES: Record<OutputFormat, string> = {
  json: 'application/json; charset=utf-8',
  textgrid: 'text/plain; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  ctm: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Whether `results/<stem>.json` exists and was computed from exactly these source versions. */
export async function isResultUpToDate(
  store: S3Store,
  bucket: string,
  resultJsonKey: string,
  versions: SourceVersions,
): Promise<boolean> {
  const head = await store.head(bucket, resultJsonKey);
  if (head === undefined) return false;
  return (
    head.metadata[AUDIO_ETAG] === versions.audioEtag &&
    (head.metadata[TRANSCRIPT_ETAG] ?? '') === (versions.transcriptEtag ?? '')
  );
}

/**
 * Writes the rendered formats, the JSON document last: the JSON (with its source ETags) marks a complete
 * result, so a crash part-way leaves no "up-to-date" marker and the retry redoes the work. `audio` feeds the
 * HTML viewer's waveform and playback when `html` is among the formats.
 */
export async function writeResult(
  store: S3Store,
  bucket: string,
  keyFor: (extension: string) => string,
  result: AlignmentResult,
  formats: readonly OutputFormat[],
  versions: SourceVersions,
  audio?: ViewerAudio,
): Promise<string[]> {
  const siblings = formats.filter((format) => format !== 'json');
  const written = await Promise.all(
    siblings.map(async (format) => {
      const key = keyFor(formatExtension(format));
      await store.put(bucket, key, renderResult(result, format, audio), {
        contentType: CONTENT_TYPES[format],
      });
      return key;
    }),
  );
  const jsonKey = keyFor(formatExtension('json'));
  await store.put(bucket, jsonKey, renderResult(result, 'json'), {
    contentType: CONTENT_TYPES.json,
    metadata: {
      [AUDIO_ETAG]: versions.audioEtag,
      ...(versions.transcriptEtag === undefined ? {} : { [TRANSCRIPT_ETAG]: versions.transcriptEtag }),
    },
  });
  return [jsonKey, ...written];
}

/** Builds a failure record; `at` is the given time. */
export function failureRecord(
  error: AlignError,
  source: ResultSource,
  tries: { attempt: number; delivery: number },
  at: Date,
): FailureRecord {
  return { error: { code: error.code, message: error.message }, source, ...tries, at: at.toISOString() };
}

/** Writes a failure record as JSON. */
export async function writeFailure(
  store: S3Store,
  bucket: string,
  key: string,
  record: FailureRecord,
): Promise<void> {
  await store.put(bucket, key, `${JSON.stringify(record, null, 2)}\n`, { contentType: CONTENT_TYPES.json });
}
