import { availableParallelism } from 'node:os';
import { renderCtm } from '../../shared/output/ctm';
import type { AlignmentResult, CharTiming, WordTiming } from '../../shared/output/result';
import { renderSrt } from '../../shared/output/srt';
import { renderTextGrid } from '../../shared/output/textgrid';
import { renderWebVtt } from '../../shared/output/webvtt';
import { loadAverage } from './load-average';
import { medianMs } from './median-ms';
import { printTable } from './table';

const SIZES = [5_000, 50_000];

const RENDERERS: ReadonlyArray<{ name: string; render: (result: AlignmentResult) => string }> = [
  { name: 'CTM', render: renderCtm },
  { name: 'SRT', render: renderSrt },
  { name: 'WebVTT', render: renderWebVtt },
  { name: 'TextGrid (words + chars)', render: renderTextGrid },
];

/**
 * The text renderers on evenly spaced reads of 5,000 and 50,000 words (one character timing per word):
 * median wall time of 5 runs and time per 1,000 words, whose growth from the small to the large read shows
 * whether a renderer stays linear. Figures only, no pass or fail.
 */
export async function runOutputBench(): Promise<void> {
  process.stdout.write(
    `\nText renderers (median of 5 runs after a warm-up; load average ${loadAverage()} on ` +
      `${availableParallelism()} cores)\n`,
  );
  const results = SIZES.map((words) => evenRead(words));
  const rows: string[][] = [];
  for (const { name, render } of RENDERERS) {
    // Per-word cost relative to the smallest size's.
    let baseline: number | undefined;
    for (const result of results) {
      const ms = await medianMs(() => render(result));
      const perThousand = (ms / result.words.length) * 1000;
      rows.push([
        name,
        result.words.length.toLocaleString('en-US'),
        ms.toFixed(1),
        perThousand.toFixed(2),
        baseline === undefined ? '' : `${(perThousand / baseline).toFixed(2)}×`,
      ]);
      baseline ??= perThousand;
    }
  }
  printTable(['renderer', 'words', 'ms', 'ms per 1k words', 'per-word vs 5k'], rows);
}

/** `count` words of 0.3 s with 0.1 s gaps, every fifth ending a sentence, each with one character timing. */
function evenRead(count: number): AlignmentResult {
  const words: WordTiming[] = [];
  const chars: CharTiming[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.round(i * 400) / 1000;
    const end = Math.round(i * 400 + 300) / 1000;
    const word = i % 5 === 4 ? `w${i}.` : `w${i}`;
    words.push({ word, normalized: word.toUpperCase(), start, end, score: 0.9, aligned: true });
    chars.push({ char: 'W', start, end: Math.round(i * 400 + 150) / 1000, score: 0.9 });
  }
  const durationSec = (words.at(-1)?.end ?? 0) + 0.5;
  return {
    version: 1,
    mode: 'align',
    source: { bucket: 'bench', key: 'incoming/bench/read.wav', etag: 'e', size: 1 },
    audio: { durationSec, sampleRate: 16_000, channels: 1, format: 'wav' },
    model: { name: 'bench', backend: 'cpu', quantized: false, frameSec: 0.02 },
    text: words.map((w) => w.word).join(' '),
    words,
    chars,
    stats: {
      wordsTotal: count,
      wordsAligned: count,
      wordsUnaligned: 0,
      skippedTokens: [],
      meanWordScore: 0.9,
      lowScoreWords: 0,
      downloadMs: 0,
      inferenceMs: 0,
      alignMs: 0,
      realTimeFactor: 0,
    },
    warnings: [],
  };
}
