/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { DecodedAudio } from '../../../../shared/audio/audio-types';
import { decodeAudioFile } from '../../../../shared/audio/decode-audio';
import { openOnnxModel } from '../../../../shared/inference/onnx-acoustic-model';
import { loadModelSpec } from '../../../../shared/model/model-spec';
import type { AlignmentResult } from '../../../../shared/output/result';
import { renderHtmlViewer } from '../../../../shared/output/viewer/html-viewer';
import { runAlignJob } from '../../../../shared/pipeline/align-job';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../../../helpers/demo-model';
import { makeResult, word } from '../support/result-fixture';
import { browserAvailable, inPage, launchChromium, openViewerPage, wordBoxEdges } from './viewer-browser';

const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** Aligns a bundled sample with the demo model, its transcript extended by a hostile word. */
async function alignSample(name: string): Promise<{ result: AlignmentResult; audio: DecodedAudio }> {
  const spec = await loadModelSpec(DEMO_MODEL_DIR);
  const model = await openOnnxModel(spec, {
    modelPath: join(DEMO_MODEL_DIR, 'model.onnx'),
    quantized: false,
    cudaEmptyCache: false,
    mixedPrecision: false,
    float16: false,
  });
  const path = join(SAMPLES_DIR, `${name}.wav`);
  const audio = await decodeAudioFile(path, {
    targetSampleRate: spec.sampleRate,
    maxDurationSec: 60,
    timeoutMs: 10_000,
  });
  const text = `${readFileSync(join(SAMPLES_DIR, `${name}.txt`), 'utf8').trim()} ${HOSTILE}`;
  const result = await runAlignJob({ audio, text, source: { path }, downloadMs: 0 }, model, {
    robustMode: true,
    confidenceWeighting: false,
    star: false,
  });
  return { result, audio };
}

/** One hour, 10k words, scores all over the range, every 50th word unaligned; a quiet 1 kHz signal. */
function hourLongResult(): { result: AlignmentResult; samples: Float32Array; sampleRate: number } {
  const words = Array.from({ length: 10_000 }, (_, i) =>
    word(`word${i}`, i * 0.36, i * 0.36 + 0.3, { score: (i % 97) / 96, aligned: i % 50 !== 0 }),
  );
  const sampleRate = 1000;
  const samples = new Float32Array(3600 * sampleRate).map((_, i) => 0.3 * Math.sin(i / 7));
  return { result: makeResult(words, { durationSec: 3600 }), samples, sampleRate };
}

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('the HTML viewer in chromium', () => {
  let browser: Browser;
  let sample: { result: AlignmentResult; audio: DecodedAudio };

  beforeAll(async () => {
    [browser, sample] = await Promise.all([launchChromium(), alignSample('blue-notebook')]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('places each word box at its start and end times, at the opening zoom and after zooming in', async () => {
    // Prepare
    const { result, audio } = sample;
    const html = renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate });
    const { page, problems } = await openViewerPage(browser, html);

    // Act
    const opening = await Promise.all(result.words.map((_, i) => wordBoxEdges(page, i)));
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    const zoomed = await inPage<number>(
      page,
      `new Promise((resolve) => {
        const timeline = document.getElementById('timeline');
        timeline.scrollLeft = 0;
        requestAnimationFrame(() => resolve(Number(timeline.dataset.pxPerSec)));
      })`,
    );
    const firstAfterZoom = await wordBoxEdges(page, 0);

    // Assess
    opening.forEach((edges, i) => {
      const { start, end } = result.words[i]!;
      expect(edges.left).toBeCloseTo(start * edges.pxPerSec, 0);
      expect(edges.right).toBeCloseTo(Math.max(start * edges.pxPerSec + 2, end * edges.pxPerSec), 0);
    });
    expect(zoomed).toBeCloseTo(opening[0]!.pxPerSec * 2.25, 3);
    expect(firstAfterZoom.left).toBeCloseTo(result.words[0]!.start * zoomed, 0);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('shows hostile transcript text as text: no markup, no script, no dialog', async () => {
    const { result, audio } = sample;
    const { page, problems } = await openViewerPage(
      browser,
      renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate }),
    );

    const labels = await page.locator('.word').allTextContents();
    const images = await page.locator('img').count();

    expect(labels.join(' ')).toContain(HOSTILE);
    expect(images).toBe(0);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('seeks the audio to a word when it is clicked, and highlights it', async () => {
    // Prepare
    const { result, audio } = sample;
    const { page, problems } = await openViewerPage(
      browser,
      renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate }),
    );
    const target = 4;

    // Act
    await page.click(`.word[data-index="${target}"]`);
    const currentTime = await inPage<number>(page, `document.getElementById('audio').currentTime`);

    // Assess: the click plays the word alone, so the time is within it (plus a frame for the stop).
    expect(currentTime).toBeGreaterThanOrEqual(result.words[target]!.start - 0.01);
    expect(currentTime).toBeLessThan(result.words[target]!.end + 0.1);
    expect(await page.locator('.word.current').getAttribute('data-index')).toBe(String(target));
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('steps to the next and previous word with the arrow keys', async () => {
    // Prepare
    const { result, audio } = sample;
    const { page, problems } = await openViewerPage(
      browser,
      renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate }),
    );
    await page.click('.word[data-index="2"]');

    // Act
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const afterRight = await page.locator('.word.current').getAttribute('data-index');
    await page.keyboard.press('ArrowLeft');
    const afterLeft = await page.locator('.word.current').getAttribute('data-index');
    const currentTime = await inPage<number>(page, `document.getElementById('audio').currentTime`);

    // Assess
    expect([afterRight, afterLeft]).toEqual(['4', '3']);
    expect(currentTime).toBeGreaterThanOrEqual(result.words[3]!.start - 0.01);
    expect(currentTime).toBeLessThan(result.words[3]!.end + 0.1);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('highlights the word being spoken while the play button plays', async () => {
    // Prepare
    const { result, audio } = sample;
    const { page, problems } = await openViewerPage(
      browser,
      renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate }),
    );

    // Act
    await page.click('#play');
    await page.waitForSelector('.word.current', { timeout: 10_000 });
    const seen = await inPage<{ index: number; time: number; label: string }>(
      page,
      `({
        index: Number(document.querySelector('.word.current').dataset.index),
        time: document.getElementById('audio').currentTime,
        label: document.getElementById('play').textContent,
      })`,
    );

    // Assess: the highlighted word is the one under the playhead (slack for a late frame on a busy machine).
    const highlighted = result.words[seen.index]!;
    expect(seen.time).toBeGreaterThanOrEqual(highlighted.start - 0.01);
    expect(seen.time).toBeLessThan(highlighted.end + 0.25);
    expect(seen.label).toBe('Pause');
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('stays responsive on a one-hour result with 10k words', async () => {
    // Prepare
    const { result, samples, sampleRate } = hourLongResult();
    const html = renderHtmlViewer(result, { samples, sampleRate });
    const started = Date.now();
    const { page, problems } = await openViewerPage(browser, html);
    const openMs = Date.now() - started;

    // Act: jump to the middle, then zoom out to the whole hour, timing each redraw.
    const jumpMs = await inPage<number>(
      page,
      `new Promise((resolve) => {
        const timeline = document.getElementById('timeline');
        const t0 = performance.now();
        timeline.scrollLeft = timeline.scrollWidth / 2;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      })`,
    );
    const boxesInMiddle = await page.locator('.word').count();
    const middleIndex = Number(await page.locator('.word').first().getAttribute('data-index'));
    const fitStarted = Date.now();
    await page.click('#zoom-fit');
    await page.waitForFunction(`document.querySelectorAll('.word').length === 0`);
    const fitMs = Date.now() - fitStarted;

    // Assess: generous bounds for a shared 2-core machine; the point is "not seconds per frame".
    expect(html.length).toBeLessThan(3_000_000);
    expect(openMs).toBeLessThan(10_000);
    expect(jumpMs).toBeLessThan(1_000);
    expect(fitMs).toBeLessThan(3_000);
    expect(boxesInMiddle).toBeGreaterThan(0);
    expect(boxesInMiddle).toBeLessThan(200);
    expect(middleIndex).toBeGreaterThan(4_900);
    expect(await page.textContent('#hint')).toMatch(/10000 words in view: zoom in/);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });
});
