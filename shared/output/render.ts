import { closestName } from '../config/closest-name';
import { InvalidInputError } from '../errors';
import { renderCtm } from './ctm';
import type { AlignmentResult, OutputFormat } from './result';
import { KNOWN_OUTPUT_FORMATS, OUTPUT_FORMATS } from './result';
import { renderSrt } from './srt';
import { renderTextGrid } from './textgrid';
import { renderHtmlViewer, type ViewerAudio } from './viewer/html-viewer';
import { renderWebVtt } from './webvtt';

type Writer = { extension: string; render: (result: AlignmentResult, audio?: ViewerAudio) => string };

const WRITERS: Record<OutputFormat, Writer> = {
  json: { extension: '.json', render: (result) => `${JSON.stringify(result, null, 2)}\n` },
  textgrid: { extension: '.TextGrid', render: renderTextGrid },
  vtt: { extension: '.vtt', render: renderWebVtt },
  srt: { extension: '.srt', render: renderSrt },
  ctm: { extension: '.ctm', render: renderCtm },
  html: { extension: '.html', render: (result, audio) => renderHtmlViewer(result, audio) },
};

/**
 * Renders a result document in one output format. `audio` (the decoded samples) is used by the HTML viewer
 * only, for its waveform and playback; the other formats ignore it.
 */
export function renderResult(result: AlignmentResult, format: OutputFormat, audio?: ViewerAudio): string {
  return WRITERS[format].render(result, audio);
}

/** File extension (with dot) for a format: .json .TextGrid .vtt .srt .ctm .html */
export function formatExtension(format: OutputFormat): string {
  return WRITERS[format].extension;
}

/**
 * Parses a user-supplied list like "json,vtt", "all" or "all,html" into formats, in canonical order without
 * repeats; "all" means OUTPUT_FORMATS (html only when named). Names are case-insensitive and may be padded
 * with spaces; unknown names -> InvalidInputError naming them.
 */
export function parseFormats(value: string): OutputFormat[] {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const expected =
    `expected a comma-separated list of ${OUTPUT_FORMATS.join(', ')}, or "all" (those), ` +
    'and html (the viewer page, written only when named)';
  if (names.length === 0) throw new InvalidInputError(`no output format given; ${expected}`);
  const unknown = names.filter((name) => name !== 'all' && !isOutputFormat(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown output format(s) ${unknown.map(withSuggestion).join(', ')}; ${expected}`,
    );
  }
  const all = names.includes('all');
  return KNOWN_OUTPUT_FORMATS.filter(
    (format) => names.includes(format) || (all && OUTPUT_FORMATS.includes(format)),
  );
}

/** `"vt" (did you mean "vtt"?)`, or the quoted name alone when nothing is close. */
function withSuggestion(name: string): string {
  const meant = closestName(name, [...KNOWN_OUTPUT_FORMATS, 'all']);
  return `${JSON.stringify(name)}${meant === undefined ? '' : ` (did you mean "${meant}"?)`}`;
}

function isOutputFormat(name: string): name is OutputFormat {
  return (KNOWN_OUTPUT_FORMATS as readonly string[]).includes(name);
}
