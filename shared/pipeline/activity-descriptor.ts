import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { parseFormats } from '../output/render';
import type { OutputFormat } from '../output/result';

/** `incoming/<path>/<name>.json` (docs/s3-layout.md#activity-descriptors); unknown extra fields are ignored. */
const descriptorSchema = z.looseObject({
  text: z.string(),
  activityId: z.string().optional(),
  language: z.string().optional(),
  backend: z.enum(['cpu', 'triton']).optional(),
  formats: z.union([z.array(z.string()), z.string()]).optional(),
});

/** An activity descriptor, validated; `formats` parsed. */
export interface ActivityDescriptor {
  text: string;
  activityId: string | undefined;
  language: string | undefined;
  backend: 'cpu' | 'triton' | undefined;
  formats: OutputFormat[] | undefined;
}

/**
 * Parses a descriptor's JSON text; InvalidInputError states the expected shape. Undefined: the JSON is an
 * alignment result (docs/result-document.md), such as `align --out speech.json` saved beside its audio, which
 * has a `text` too but is never a transcript.
 */
export function parseActivityDescriptor(json: string, key: string): ActivityDescriptor | undefined {
  const expected =
    'expected {"text": "...", "activityId"?: "...", "language"?: "en", "backend"?: "cpu"|"triton", "formats"?: ["json", "vtt", ...]}';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidInputError(`activity descriptor ${key} is not valid JSON; ${expected}`, {
      cause: error,
    });
  }
  if (isResultDocument(value)) return undefined;
  const parsed = descriptorSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InvalidInputError(
      `activity descriptor ${key} is invalid (${problems.join('; ')}); ${expected}`,
    );
  }
  const { text, activityId, language, backend, formats } = parsed.data;
  return {
    text,
    activityId,
    language,
    backend,
    formats:
      formats === undefined ? undefined : parseFormats(Array.isArray(formats) ? formats.join(',') : formats),
  };
}

/** A result document: `"version": 1` with the result's `words` list or `source` object, which no descriptor has. */
function isResultDocument(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { version, words, source } = value as Record<string, unknown>;
  return version === 1 && (Array.isArray(words) || (typeof source === 'object' && source !== null));
}
