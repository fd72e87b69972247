import { InvalidInputError } from '../errors';
import { renderCtm } from './ctm';
import type { AlignmentResult, OutputFormat } from './result';
import { OUTPUT_FORMATS } from './result';
import { renderSrt } from './srt';
import { renderTextGrid } from './textgrid';
import { renderWebVtt } from './webvtt';

const WRITERS: Record<OutputFormat, { extension: string; render: (result: AlignmentResult) => string }> = {
  json: { extension: '.json', render: (result) => `${JSON.stringify(result, null, 2)}\n` },
  textgrid: { extension: '.TextGrid', render: renderTextGrid },
  vtt: { extension: '.vtt', render: renderWebVtt },
  srt: { extension: '.srt', render: renderSrt },
  ctm: { extension: '.ctm', render: renderCtm },
};

/** Renders a result document in one output format. */
export function renderResult(result: AlignmentResult, format: OutputFormat): string {
  return WRITERS[format].render(result);
}

/** File extension (with dot) for a format: .json .TextGrid .vtt .srt .ctm */
export function formatExtension(format: OutputFormat): string {
  return WRITERS[format].extension;
}

/**
 * Parses a user-supplied list like "json,vtt" or "all" into formats, in canonical order without repeats.
 * Names are case-insensitive and may be padded with spaces; unknown names -> InvalidInputError naming them.
 */
export function parseFormats(value: string): OutputFormat[] {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const expected = `expected a comma-separated list of ${OUTPUT_FORMATS.join(', ')}, or "all"`;
  if (names.length === 0) throw new InvalidInputError(`no output format given; ${expected}`);
  const unknown = names.filter((name) => name !== 'all' && !isOutputFormat(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown output format(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')}; ${expected}`,
    );
  }
  if (names.includes('all')) return [...OUTPUT_FORMATS];
  return OUTPUT_FORMATS.filter((format) => names.includes(format));
}

function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}
