/** The result document written to `results/<path>/<name>.json` (docs/result-document.md, version 1). */
export interface AlignmentResult {
  version: 1;
  mode: 'align' | 'transcribe';
  source: ResultSource;
  audio: ResultAudio;
  model: ResultModel;
  text: string;
  words: WordTiming[];
  chars: CharTiming[];
  stats: ResultStats;
  warnings: string[];
}

export interface ResultSource {
  bucket?: string;
  key?: string;
  etag?: string;
  size?: number;
  transcriptKey?: string;
  transcriptEtag?: string;
  /** Local file the CLI read, when not from S3; `etag` is then its size and modification time (`align-dir`). */
  path?: string;
  /** Local transcript file (`align-dir`); `transcriptEtag` is its version. */
  transcriptPath?: string;
}

export interface ResultAudio {
  durationSec: number;
  sampleRate: number;
  channels: number;
  format: string;
}

export interface ResultModel {
  name: string;
  backend: 'cpu' | 'triton';
  quantized: boolean;
  frameSec: number;
}

/** One word of the transcript, in order, with its original spelling. */
export interface WordTiming {
  word: string;
  normalized: string;
  start: number;
  end: number;
  score: number;
  aligned: boolean;
}

/** One aligned character (model token) with the frames it occupies. */
export interface CharTiming {
  char: string;
  start: number;
  end: number;
  score: number;
}

export interface ResultStats {
  wordsTotal: number;
  wordsAligned: number;
  wordsUnaligned: number;
  skippedTokens: string[];
  meanWordScore: number;
  lowScoreWords: number;
  downloadMs: number;
  inferenceMs: number;
  alignMs: number;
  realTimeFactor: number;
}

/** Output formats a result can be rendered to besides the JSON document. */
export type OutputFormat = 'json' | 'textgrid' | 'vtt' | 'srt' | 'ctm' | 'html';
/**
 * What "all" (and the OUTPUT_FORMATS default) means. The HTML viewer is left out so existing setups write
 * what they wrote before: it is asked for by name, since it embeds the audio and can be megabytes.
 */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'textgrid', 'vtt', 'srt', 'ctm'];
/** Every format, in canonical order: the "all" set, then the HTML viewer. */
export const KNOWN_OUTPUT_FORMATS: readonly OutputFormat[] = [...OUTPUT_FORMATS, 'html'];
