import { formatExtension, renderResult } from '../output/render';
import type { AlignmentResult, OutputFormat, ResultSource } from '../output/result';
import type { ViewerAudio } from '../output/viewer/html-viewer';
import type { ResultKeys } from './activity-outcome';
import { type ObjectStore, readText } from './object-store';

/** The versions a result was computed from: recorded in its `source`, and as metadata where the store keeps it. */
export interface SourceVersions {
  audioEtag: string;
  transcriptEtag: string | undefined;
}

/** What an up-to-date result must have. */
export interface ExpectedResult {
  versions: SourceVersions;
  /** Every one of these formats must exist (the JSON is always among them). */
  formats: readonly OutputFormat[];
  /** When given, the result must also come from this model at this quantization. */
  model?: { name: string; quantized: boolean } | undefined;
}

const AUDIO_ETAG = 'audio-etag';
const TRANSCRIPT_ETAG = 'transcript-etag';
/** Result documents are read back only to compare them; an hour of audio gives a few MB. */
const MAX_RESULT_BYTES = 256 * 1024 * 1024;

/** The content type each format is written with. */
export const CONTENT_TYPES: Record<OutputFormat, string> = {
  json: 'application/json; charset=utf-8',
  textgrid: 'text/plain; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  ctm: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/**
 * Whether an up-to-date result exists: its JSON records these source versions (and model, when asked) and
 * every asked-for format is there. A store that keeps metadata (S3) answers the versions with one HEAD; a
 * folder keeps none, so the versions are read from the document's `source`, as the model always is.
 */
export async function isResultUpToDate(
  store: ObjectStore,
  bucket: string,
  keyFor: (extension: string) => string,
  expected: ExpectedResult,
): Promise<boolean> {
  const jsonKey = keyFor(formatExtension('json'));
  const head = await store.head(bucket, jsonKey);
  if (head === undefined) return false;
  let recorded = versionsInMetadata(head.metadata);
  if (recorded === undefined || expected.model !== undefined) {
    const document = await readResultDocument(store, bucket, jsonKey);
    if (document === undefined) return false;
    recorded ??= versionsInSource(document.source);
    const { model } = expected;
    if (
      model !== undefined &&
      (document.model?.name !== model.name || document.model?.quantized !== model.quantized)
    )
      return false;
  }
  if (recorded === undefined || !sameVersions(recorded, expected.versions)) return false;
  const siblings = await Promise.all(
    expected.formats
      .filter((format) => format !== 'json')
      .map((format) => store.head(bucket, keyFor(formatExtension(format)))),
  );
  return siblings.every((sibling) => sibling !== undefined);
}

/**
 * Writes the rendered formats, the JSON document last: the JSON (with its source versions) marks a complete
 * result, so a crash part-way leaves no "up-to-date" marker and the retry redoes the work. `audio` feeds the
 * HTML viewer's waveform and playback when `html` is among the formats.
 */
export async function writeResult(
  store: ObjectStore,
  bucket: string,
  keyFor: (extension: string) => string,
  result: AlignmentResult,
  formats: readonly OutputFormat[],
  versions: SourceVersions,
  audio?: ViewerAudio,
): Promise<ResultKeys> {
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

function versionsInMetadata(metadata: Record<string, string>): SourceVersions | undefined {
  const audioEtag = metadata[AUDIO_ETAG];
  return audioEtag === undefined ? undefined : { audioEtag, transcriptEtag: metadata[TRANSCRIPT_ETAG] };
}

function versionsInSource(source: ResultSource | undefined): SourceVersions | undefined {
  return source?.etag === undefined
    ? undefined
    : { audioEtag: source.etag, transcriptEtag: source.transcriptEtag };
}

function sameVersions(a: SourceVersions, b: SourceVersions): boolean {
  return a.audioEtag === b.audioEtag && (a.transcriptEtag ?? '') === (b.transcriptEtag ?? '');
}

/** The result document, or undefined when it is not one (unparseable: the next run rewrites it). */
async function readResultDocument(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<Partial<AlignmentResult> | undefined> {
  const found = await readText(store, bucket, key, MAX_RESULT_BYTES);
  if (found === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(found.text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<AlignmentResult>) : undefined;
  } catch {
    return undefined;
  }
}
