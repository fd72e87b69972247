import { createHash } from 'node:crypto';
import type { AlignmentResult } from '../result';
import { escapeHtml, inlineJson } from './inline-json';
import type { PageData } from './page/page-data';
import { VIEWER_SCRIPT } from './viewer-script';
import { VIEWER_STYLE } from './viewer-style';
import { encodeWav16 } from './wav-encoder';
import { computeWaveformPeaks } from './waveform-peaks';

/** The audio a result was computed from, as the aligner saw it (mono, at the model's rate). */
export interface ViewerAudio {
  samples: Float32Array;
  sampleRate: number;
  /** URL of the audio file relative to the page, played when the audio is too long to embed. */
  href?: string | undefined;
}

/** Page rendering knobs. */
export interface ViewerOptions {
  /** Audio up to this long is embedded in the page; default 600 s (≈ 19 MB of 16 kHz 16-bit WAV). */
  maxEmbedSec?: number;
}

/** Audio up to 10 minutes is embedded in the page; longer audio is referenced (see ViewerAudio.href). */
export const DEFAULT_MAX_EMBED_SEC = 600;

/** Matches the aligner's default low-score threshold (shared/align/word-timing.ts) for flagging words. */
const LOW_SCORE_THRESHOLD = 0.5;

/**
 * Renders a result as one self-contained HTML page: waveform envelope, word boxes coloured by score,
 * playback and zoom. Audio up to `maxEmbedSec` is embedded as a 16-bit WAV data: URL; longer audio is
 * referenced by `audio.href` when given, else the page has no sound. Without `audio` the page shows the
 * words only. The page makes no network request (its Content-Security-Policy forbids any).
 */
export function renderHtmlViewer(
  result: AlignmentResult,
  audio?: ViewerAudio,
  options: ViewerOptions = {},
): string {
  const maxEmbedSec = options.maxEmbedSec ?? DEFAULT_MAX_EMBED_SEC;
  const peaks = audio === undefined ? undefined : computeWaveformPeaks(audio.samples, audio.sampleRate);
  const pageData: PageData = {
    // Character timings are left out: the page does not draw them and they are most of a long result.
    result: { ...result, chars: [] },
    lowScoreThreshold: LOW_SCORE_THRESHOLD,
    peaks:
      peaks === undefined
        ? null
        : { binsPerSec: peaks.binsPerSec, minMax: Buffer.from(peaks.minMax.buffer).toString('base64') },
    audio: audioSource(audio, maxEmbedSec),
  };
  const title = escapeHtml(`${displayName(result)} · w2v2-align`);
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(VIEWER_SCRIPT)}'`,
    `style-src '${sha256(VIEWER_STYLE)}'`,
    // 'self' and relative URLs only: the page may play an audio file next to it, never fetch elsewhere.
    "media-src 'self' blob:",
    'img-src data:',
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="w2v2-align">
<title>${title}</title>
<style>${VIEWER_STYLE}</style>
</head>
<body>
<header><h1 id="title"></h1><p id="subtitle"></p></header>
<section id="summary" aria-label="Summary"><dl id="stats"></dl><ul id="warnings"></ul></section>
<div id="toolbar">
<button id="play" type="button">Play</button>
<span id="clock"></span>
<button id="zoom-out" type="button" aria-label="Zoom out">−</button>
<input id="zoom" type="range" min="0" max="1000" step="1" aria-label="Zoom">
<button id="zoom-in" type="button" aria-label="Zoom in">+</button>
<button id="zoom-fit" type="button">Fit</button>
<span id="current-word" aria-live="polite"></span>
<span class="legend"><span><span class="swatch good"></span>high score</span><span><span class="swatch mid"></span>medium</span><span><span class="swatch low"></span>low (&lt; ${LOW_SCORE_THRESHOLD})</span><span><span class="swatch unaligned"></span>not aligned</span></span>
</div>
<div id="timeline" tabindex="0" aria-label="Timeline"><div id="track"><canvas id="wave"></canvas><div id="words"></div><div id="playhead"></div></div></div>
<p id="hint"></p>
<p id="notice"></p>
<section id="flagged"><h2 id="flagged-title"></h2><ol id="flagged-list"></ol><p id="flagged-more"></p></section>
<audio id="audio" preload="auto"></audio>
<script type="application/json" id="viewer-data">${inlineJson(pageData)}</script>
<script>${VIEWER_SCRIPT}</script>
</body>
</html>
`;
}

/** Where the page's audio comes from; `note` explains to the reader why there is none. */
function audioSource(
  audio: ViewerAudio | undefined,
  maxEmbedSec: number,
): { src: string } | { src: null; note: string } {
  if (audio === undefined) return { src: null, note: 'This page was rendered without its audio.' };
  const seconds = audio.samples.length / audio.sampleRate;
  if (seconds <= maxEmbedSec) {
    return {
      src: `data:audio/wav;base64,${encodeWav16(audio.samples, audio.sampleRate).toString('base64')}`,
    };
  }
  if (audio.href !== undefined) return { src: audio.href };
  return {
    src: null,
    note: `The audio (${Math.round(seconds)} s) is longer than the ${maxEmbedSec} s embedded in a page, and its file location is not known.`,
  };
}

function displayName(result: AlignmentResult): string {
  const name = result.source.key ?? result.source.path ?? 'result';
  return name.split(/[\\/]/).pop() ?? name;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
