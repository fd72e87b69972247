import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { parseFormats } from '../output/render';
import type { OutputFormat } from '../output/result';

/** `incoming/<path>/<name>.json` (SPEC §3); unknown extra fields are allowed and ignored. */
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

/** Parses a descriptor's JSON text; InvalidInputError states the expected shape. */
export function parseActivityDescriptor(json: string, key: string): ActivityDescriptor {
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
