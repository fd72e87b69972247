import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (listed in .ci/apt-packages); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. Without chromium they skip locally, but under CI=true a missing
 * browser is a failure, so CI never passes by skipping them.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but no chromium at ${CHROMIUM_PATH}: install it (.ci/apt-packages)`);
  }
  return false;
}

/** Headless chromium with background networking off, so any request seen comes from the page. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** What a page did that a self-contained viewer must never do. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests for anything but the page file itself and the blob: URL of its embedded audio. */
  outsideRequests: string[];
  dialogs: string[];
}

/** Writes the page to a temp file, opens it from file:// and records problems while the test uses it. */
export async function openViewerPage(
  browser: Browser,
  html: string,
  viewport = { width: 1100, height: 600 },
): Promise<{ page: Page; problems: PageProblems; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'w2v2-viewer-')), 'viewer.html');
  writeFileSync(path, html);
  const pageUrl = pathToFileURL(path).href;
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], outsideRequests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    problems.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url !== pageUrl && !url.startsWith('blob:')) problems.outsideRequests.push(url);
  });
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems, path };
}

/**
 * Evaluates a browser-side expression. The project compiles without the DOM library (Node code must not
 * see browser globals), so page code is passed as text and its result typed here.
 */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

/** A word box's left and right edge, in track pixels (independent of the scroll position). */
export function wordBoxEdges(
  page: Page,
  index: number,
): Promise<{ left: number; right: number; pxPerSec: number }> {
  return inPage(
    page,
    `(() => {
      const track = document.getElementById('track').getBoundingClientRect();
      const box = document.querySelector('.word[data-index="${index}"]').getBoundingClientRect();
      const pxPerSec = Number(document.getElementById('timeline').dataset.pxPerSec);
      return { left: box.left - track.left, right: box.right - track.left, pxPerSec };
    })()`,
  );
}
