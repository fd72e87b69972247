import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { AlignmentResult, WordTiming } from '../../shared/output/result';
import { renderHtmlViewer } from '../../shared/output/viewer/html-viewer';
import { loadAverage } from './load-average';
import { median } from './median-ms';
import { printTable } from './table';

/** Debian's chromium, as the browser tests use; CHROMIUM_PATH points elsewhere. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROUNDS = 3;

/**
 * The HTML viewer on a one-hour result with 10,000 words (every 50th unaligned, scores over the whole range)
 * and a 1 kHz-sampled signal: render time and page size, then in headless chromium the time to open the page
 * until it is ready, to redraw after a jump to the middle (two animation frames), and to zoom out to the
 * whole hour. Median of 3 pages. Figures only, no pass or fail; skipped without a chromium.
 */
export async function runViewerBench(): Promise<void> {
  process.stdout.write(
    `\nHTML viewer, one hour, 10k words (median of ${ROUNDS} pages; load average ${loadAverage()} on ` +
      `${availableParallelism()} cores)\n`,
  );
  const { result, samples, sampleRate } = hourLongResult();
  const renderStarted = performance.now();
  const html = renderHtmlViewer(result, { samples, sampleRate });
  const renderMs = performance.now() - renderStarted;
  const rows: string[][] = [
    ['render', renderMs.toFixed(0)],
    ['page size (MB)', (html.length / 1e6).toFixed(2)],
  ];
  if (!existsSync(CHROMIUM_PATH)) {
    printTable(['step', 'ms'], rows);
    process.stdout.write(`(no chromium at ${CHROMIUM_PATH}; set CHROMIUM_PATH for the in-browser figures)\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-viewer-bench-'));
  const path = join(dir, 'viewer.html');
  writeFileSync(path, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  try {
    const steps: Record<'open' | 'jump' | 'fit', number[]> = { open: [], jump: [], fit: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
      let started = performance.now();
      await page.goto(pathToFileURL(path).href);
      await page.waitForSelector('body[data-ready="true"]');
      steps.open.push(performance.now() - started);
      steps.jump.push(await jumpToMiddleMs(page));
      started = performance.now();
      await page.click('#zoom-fit');
      // Polled through the protocol: the page's CSP forbids the eval that waitForFunction would use.
      while ((await page.locator('.word').count()) > 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      steps.fit.push(performance.now() - started);
      await page.close();
    }
    rows.push(
      ['open until ready', median(steps.open).toFixed(0)],
      ['jump to the middle, redrawn (2 frames)', median(steps.jump).toFixed(0)],
      ['zoom to fit, word boxes gone', median(steps.fit).toFixed(0)],
    );
    printTable(['step', 'ms'], rows);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds, measured in the page, from scrolling to the middle to the second animation frame after. */
async function jumpToMiddleMs(page: Page): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
    const timeline = document.getElementById('timeline');
    const t0 = performance.now();
    timeline.scrollLeft = timeline.scrollWidth / 2;
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
  })`)) as number;
}

/** One hour, 10k words, scores all over the range, every 50th word unaligned; a quiet signal at 1 kHz. */
function hourLongResult(): { result: AlignmentResult; samples: Float32Array; sampleRate: number } {
  const words: WordTiming[] = Array.from({ length: 10_000 }, (_, i) => ({
    word: `word${i}`,
    normalized: `WORD${i}`,
    start: i * 0.36,
    end: i * 0.36 + 0.3,
    score: (i % 97) / 96,
    aligned: i % 50 !== 0,
  }));
  const sampleRate = 1000;
  const samples = new Float32Array(3600 * sampleRate).map((_, i) => 0.3 * Math.sin(i / 7));
  const aligned = words.filter((w) => w.aligned).length;
  const result: AlignmentResult = {
    version: 1,
    mode: 'align',
    source: { bucket: 'bench', key: 'incoming/bench/hour.wav', etag: 'e', size: 1 },
    audio: { durationSec: 3600, sampleRate: 16_000, channels: 1, format: 'wav' },
    model: { name: 'bench', backend: 'cpu', quantized: false, frameSec: 0.02 },
    text: words.map((w) => w.word).join(' '),
    words,
    chars: [],
    stats: {
      wordsTotal: words.length,
      wordsAligned: aligned,
      wordsUnaligned: words.length - aligned,
      skippedTokens: [],
      meanWordScore: 0.5,
      lowScoreWords: 0,
      downloadMs: 0,
      inferenceMs: 0,
      alignMs: 0,
      realTimeFactor: 0,
    },
    warnings: [],
  };
  return { result, samples, sampleRate };
}
