// `npx tsx tools/screenshot-viewer.ts [out.png]`: aligns a bundled sample with the demo model, renders its
// HTML viewer, opens it in headless chromium (CHROMIUM_PATH, default /usr/bin/chromium), highlights a word
// and saves a screenshot, by default docs/viewer.png (the one the README shows).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { decodeAudioFile } from '../shared/audio/decode-audio';
import { openOnnxModel } from '../shared/inference/onnx-acoustic-model';
import { bundledModelDir } from '../shared/model/bundled-model';
import { loadModelSpec } from '../shared/model/model-spec';
import { renderHtmlViewer } from '../shared/output/viewer/html-viewer';
import { runAlignJob } from '../shared/pipeline/align-job';

// The sample with a low-score word, so the picture shows the red outline and flagged list the README describes.
const SAMPLE = 'puppy-tail';
const HIGHLIGHTED_WORD = 3;

/** Renders the sample's viewer and writes a screenshot of it to `outPath`. */
export async function screenshotViewer(outPath: string, chromiumPath: string): Promise<void> {
  const modelDir = bundledModelDir();
  const spec = await loadModelSpec(modelDir);
  const model = await openOnnxModel(spec, {
    modelPath: join(modelDir, 'model.onnx'),
    quantized: false,
  });
  const samplesDir = join(__dirname, '..', 'samples');
  const audioPath = join(samplesDir, `${SAMPLE}.wav`);
  const audio = await decodeAudioFile(audioPath, {
    targetSampleRate: spec.sampleRate,
    maxDurationSec: 60,
    timeoutMs: 10_000,
  });
  const text = readFileSync(join(samplesDir, `${SAMPLE}.txt`), 'utf8').trim();
  const result = await runAlignJob({ audio, text, source: { path: `${SAMPLE}.wav` }, downloadMs: 0 }, model, {
    robustMode: true,
    confidenceWeighting: false,
    star: false,
  });
  const pagePath = join(mkdtempSync(join(tmpdir(), 'w2v2-viewer-shot-')), `${SAMPLE}.html`);
  writeFileSync(pagePath, renderHtmlViewer(result, { samples: audio.samples, sampleRate: audio.sampleRate }));

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 430 } });
    await page.goto(pathToFileURL(pagePath).href);
    await page.waitForSelector('body[data-ready="true"]');
    // Highlight a word without playing it: the click plays only that word, then the playhead rests on it.
    await page.click(`.word[data-index="${HIGHLIGHTED_WORD}"]`);
    await page.waitForTimeout(600);
    await page.screenshot({ path: outPath });
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  const outPath = process.argv[2] ?? join(__dirname, '..', 'docs', 'viewer.png');
  screenshotViewer(outPath, process.env.CHROMIUM_PATH ?? '/usr/bin/chromium').then(
    () => process.stdout.write(`wrote ${outPath}\n`),
    (error: unknown) => {
      process.stderr.write(`screenshot failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
