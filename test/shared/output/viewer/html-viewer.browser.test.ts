/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DecodedAudio } from '../../../../shared/audio/audio-types';
import { decodeAudioFile } from '../../../../shared/audio/decode-audio';
import { openOnnxModel } from '../../../../shared/inference/onnx-acoustic-model';
import { loadModelSpec } from '../../../../shared/model/model-spec';
import type { AlignmentResult, WordTiming } from '../../../../shared/output/result';
import { renderHtmlViewer } from '../../../../shared/output/viewer/html-viewer';
import { runAlignJob } from '../../../../shared/pipeline/align-job';
import { DEMO_MODEL_DIR, SAMPLES_DIR, sampleTruth } from '../../../helpers/demo-model';
import { makeResult, word } from '../support/result-fixture';
import { browserAvailable, inPage, launchChromium, openViewerPage, wordBoxEdges } from './viewer-browser';

const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** Aligns a bundled sample with the demo model, its transcript extended by a hostile word. */
async function alignSample(name: string): Promise<{ result: AlignmentResult; audio: DecodedAudio }> {
  const spec = await loadModelSpec(DEMO_MODEL_DIR);
  const model = await openOnnxModel(spec, {
    modelPath: join(DEMO_MODEL_DIR, 'model.onnx'),
    quantized: false,
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

/**
 * Two minutes of read speech: the bundled samples' true word times over and over, as one file. Every 7th
 * word scores low (a thicker border) and every 11th is unaligned (italic), as both change a label's room.
 */
function twoMinuteRead(): AlignmentResult {
  const sentences = ['blue-notebook', 'harbor-1999', 'puppy-tail', 'quiet-rivers', 'well-known-sailor'].map(
    (name) => sampleTruth(name).words,
  );
  const words: WordTiming[] = [];
  let offset = 0;
  for (let sentence = 0; offset < 120; sentence++) {
    const truth = sentences[sentence % sentences.length]!;
    for (const { word: text, start, end } of truth) {
      const i = words.length;
      const score = i % 7 === 3 ? 0.3 : 0.9;
      words.push(word(text, offset + start, offset + end, { score, aligned: i % 11 !== 5 }));
    }
    offset += truth[truth.length - 1]!.end + 0.3;
  }
  return makeResult(words, { durationSec: offset });
}

/** Each word box in view: its index, label, font size, and whether the label's text overflows the box. */
const LABELS_IN_VIEW = `[...document.querySelectorAll('.word')].map((box) => {
  const style = getComputedStyle(box);
  const room = box.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
  const text = document.createRange();
  text.selectNodeContents(box);
  // Half a pixel is sub-pixel rounding, not a visibly cut letter.
  const overflows = text.getBoundingClientRect().width > room + 0.5;
  return { index: Number(box.dataset.index), label: box.textContent, fontPx: parseFloat(style.fontSize), overflows };
})`;

/**
 * Instruments the page's audio element: every position the page seeks to is kept in `window.__testSeeks`,
 * and while `window.__testClock` is set the page reads it as the playback position, so playback shows what
 * the page does at a known time, whatever the machine's load does to the real media clock.
 */
const INSTRUMENT_AUDIO = `(() => {
  const audio = document.getElementById('audio');
  const position = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'currentTime');
  window.__testSeeks = [];
  Object.defineProperty(audio, 'currentTime', {
    configurable: true,
    get() { return window.__testClock === undefined ? position.get.call(this) : window.__testClock; },
    set(value) { window.__testSeeks.push(value); position.set.call(this, value); },
  });
})()`;

/** Resolves after the page has drawn two more frames: whatever the first one scheduled has run by then. */
const TWO_FRAMES = `new Promise((resolve) => {
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
})`;

/** Polls through the protocol (the page's CSP forbids the eval that waitForFunction would use). */
async function untilInPage(page: Page, expression: string): Promise<void> {
  while (!(await inPage<boolean>(page, expression))) await new Promise((resolve) => setTimeout(resolve, 20));
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

    const names = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('.word')].map((box) => box.getAttribute('aria-label'))`,
    );
    const images = await page.locator('img').count();

    expect(names.join(' ')).toContain(HOSTILE);
    expect(images).toBe(0);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('labels each word box of a 2-minute result at the opening zoom with its whole word or a prefix ending in "…", never a cut one', async () => {
    // Prepare
    const result = twoMinuteRead();
    const { page, problems } = await openViewerPage(browser, renderHtmlViewer(result));
    const view = await inPage<{ width: number; scrollWidth: number; pxPerSec: number }>(
      page,
      `(() => {
        const timeline = document.getElementById('timeline');
        return { width: timeline.clientWidth, scrollWidth: timeline.scrollWidth, pxPerSec: Number(timeline.dataset.pxPerSec) };
      })()`,
    );

    // Act: scroll through the file a view at a time, reading the labels drawn in each
    const labels = new Map<number, { label: string; fontPx: number; overflows: boolean }>();
    for (let scroll = 0; scroll < view.scrollWidth; scroll += view.width) {
      await inPage(page, `document.getElementById('timeline').scrollLeft = ${scroll}`);
      await inPage(page, TWO_FRAMES);
      const inView = await inPage<{ index: number; label: string; fontPx: number; overflows: boolean }[]>(
        page,
        LABELS_IN_VIEW,
      );
      for (const { index, ...label } of inView) labels.set(index, label);
    }
    const cut = [...labels].filter(([index, { label }]) => {
      const whole = result.words[index]!.word;
      const shortened = label.endsWith('…') && whole.startsWith(label.slice(0, -1));
      return label !== '' && label !== whole && !shortened;
    });
    const kinds = [...labels].map(([index, { label, fontPx }]) => {
      if (label === '') return 'none';
      if (label !== result.words[index]!.word) return 'shortened';
      return fontPx < 12 ? 'smaller' : 'whole';
    });

    // Assess: every word got a box, and each label fits it
    expect(view.pxPerSec).toBe(100);
    expect(labels.size).toBe(result.words.length);
    expect(cut).toEqual([]);
    expect([...labels.values()].filter((label) => label.overflows)).toEqual([]);
    expect(new Set(kinds)).toEqual(new Set(['whole', 'smaller', 'shortened', 'none']));
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('shows the whole word over a shortened label while the box is hovered or highlighted', async () => {
    // Prepare: at the opening 100 px/s, 0.3 s leaves "harbour" and "morning" 22 px, "sea" 72 px
    const words = [word('harbour', 1, 1.3), word('morning', 1.5, 1.8), word('sea', 2, 2.8)];
    const { page, problems } = await openViewerPage(
      browser,
      renderHtmlViewer(makeResult(words, { durationSec: 60 })),
    );
    const shown = () =>
      inPage<{ label: string; over: string }[]>(
        page,
        `[...document.querySelectorAll('.word')].map((box) => ({
          label: box.textContent,
          over: getComputedStyle(box, '::after').content,
        }))`,
      );

    // Act
    const resting = await shown();
    await page.hover('.word[data-index="0"]');
    const hovering = await shown();
    await page.click('.word[data-index="1"]');
    await page.mouse.move(1, 1);
    const highlighted = await shown();

    // Assess
    expect(resting).toEqual([
      { label: expect.stringMatching(/^h[a-z]*…$/), over: 'none' },
      { label: expect.stringMatching(/^m[a-z]*…$/), over: 'none' },
      { label: 'sea', over: 'none' },
    ]);
    expect(hovering.map(({ over }) => over)).toEqual(['"harbour"', 'none', 'none']);
    expect(highlighted.map(({ over }) => over)).toEqual(['none', '"morning"', 'none']);
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
    await inPage(page, INSTRUMENT_AUDIO);

    // Act
    await page.click(`.word[data-index="${target}"]`);
    const seeks = await inPage<number[]>(page, 'window.__testSeeks');
    await untilInPage(page, `document.getElementById('audio').paused`);
    const stopped = await inPage<{ time: number; ended: boolean }>(
      page,
      `(() => {
        const audio = document.getElementById('audio');
        return { time: audio.currentTime, ended: audio.ended };
      })()`,
    );

    // Assess: one seek to the word's start; it plays the word alone, stopping at its end, not the file's.
    expect(seeks).toEqual([expect.closeTo(result.words[target]!.start, 6)]);
    expect(stopped.time).toBeGreaterThanOrEqual(result.words[target]!.end - 0.01);
    expect(stopped.ended).toBe(false);
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
    await inPage(page, INSTRUMENT_AUDIO);
    await page.click('.word[data-index="2"]');

    // Act
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const afterRight = await page.locator('.word.current').getAttribute('data-index');
    await page.keyboard.press('ArrowLeft');
    const afterLeft = await page.locator('.word.current').getAttribute('data-index');
    const seeks = await inPage<number[]>(page, 'window.__testSeeks');

    // Assess: each step seeks to the start of the word it plays
    expect([afterRight, afterLeft]).toEqual(['4', '3']);
    expect(seeks).toEqual([2, 3, 4, 3].map((index) => expect.closeTo(result.words[index]!.start, 6)));
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

    await inPage(page, INSTRUMENT_AUDIO);
    const midpoint = (index: number) => (result.words[index]!.start + result.words[index]!.end) / 2;
    const highlightedAt = async (time: number): Promise<string | null> => {
      await inPage(page, `window.__testClock = ${time}`);
      await inPage(page, TWO_FRAMES);
      return page.locator('.word.current').getAttribute('data-index');
    };

    // Act: real playback first, then the playhead held in the middle of chosen words
    await page.click('#play');
    await page.waitForSelector('.word.current', { timeout: 10_000 });
    await inPage(page, `document.getElementById('audio').loop = true`);
    const label = await page.textContent('#play');
    const atWord1 = await highlightedAt(midpoint(1));
    const atWord3 = await highlightedAt(midpoint(3));

    // Assess: the highlighted word is the one under the playhead
    expect(label).toBe('Pause');
    expect([atWord1, atWord3]).toEqual(['1', '3']);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });

  it('keeps a one-hour result with 10k words to a few boxes in view, redrawn within two frames of a jump', async () => {
    // Prepare (open, jump and fit times are figures of `npm run bench -- viewer`)
    const { result, samples, sampleRate } = hourLongResult();
    const html = renderHtmlViewer(result, { samples, sampleRate });
    const { page, problems } = await openViewerPage(browser, html);

    // Act: jump to the middle and count the boxes two frames later, then zoom out to the whole hour
    const middle = await inPage<{ boxes: number; first: number }>(
      page,
      `new Promise((resolve) => {
        const timeline = document.getElementById('timeline');
        timeline.scrollLeft = timeline.scrollWidth / 2;
        requestAnimationFrame(() => requestAnimationFrame(() => {
          const boxes = document.querySelectorAll('.word');
          resolve({ boxes: boxes.length, first: boxes.length > 0 ? Number(boxes[0].dataset.index) : -1 });
        }));
      })`,
    );
    await page.click('#zoom-fit');
    // Polled through the protocol: waitForFunction would poll with eval, which the page's CSP forbids.
    while ((await page.locator('.word').count()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(html.length).toBeLessThan(3_000_000);
    expect(middle.boxes).toBeGreaterThan(0);
    expect(middle.boxes).toBeLessThan(200);
    expect(middle.first).toBeGreaterThan(4_900);
    expect(await page.textContent('#hint')).toMatch(/10000 words in view: zoom in/);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] });
    await page.close();
  });
});
