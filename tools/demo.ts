// `npm run demo`: the S3-triggered pipeline end to end on a local S3 server, offline, with the bundled
// demo model and the bundled samples; prints each file's word timings and where the results were copied.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../shared/config/app-config';
import { toAlignError } from '../shared/errors';
import { formatExtension } from '../shared/output/render';
import { type AlignmentResult, KNOWN_OUTPUT_FORMATS } from '../shared/output/result';
import type { RuntimeOverrides } from '../shared/pipeline/pipeline-runtime';
import { S3ClientPool } from '../shared/s3/s3-client-pool';
import { S3Store } from '../shared/s3/s3-store';
import { startLocalPipeline } from './local-s3/local-pipeline';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from './local-s3/local-s3-server';
import { terminalLog } from './local-s3/terminal-log';
import { formatWordTable } from './local-s3/word-table';

/** Where the demo reads samples, writes copies of the results, and prints. */
export interface DemoOptions {
  samplesDir: string;
  outputDir: string;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Settings (docs/configuration.md names) for the pipeline, e.g. MODEL_DIR to try another model. */
  env?: Readonly<Record<string, string | undefined>>;
  overrides?: RuntimeOverrides;
}

const BUCKET = 'w2v2-demo';
const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** Runs the demo and returns the process exit code (0 when every sample was aligned). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const started = performance.now();
  const names = (await readdir(options.samplesDir)).filter((name) => name.endsWith('.wav')).sort();
  if (names.length === 0) {
    options.err.write(`demo: no .wav samples in ${options.samplesDir}\n`);
    return 1;
  }
  const quietTelemetry = { succeeded: () => undefined, failed: () => undefined };
  const pipeline = await startLocalPipeline({
    bucket: BUCKET,
    // The HTML viewer is not in "all" (it embeds the audio); the demo asks for it by name.
    env: { PIPELINE_MAX_CONCURRENCY: '2', OUTPUT_FORMATS: 'all,html', ...options.env },
    overrides: { log: terminalLog(options.err), telemetry: quietTelemetry, ...options.overrides },
  });
  const config = loadConfig({ S3_ENDPOINT: pipeline.s3.endpoint }).s3;
  const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
  const store = new S3Store(pool, config, terminalLog(options.err));
  try {
    out.write(
      `Local S3 at ${pipeline.s3.endpoint}, bucket ${BUCKET}; uploading ${names.length} samples to incoming/\n`,
    );
    const stems = names.map((name) => basename(name, '.wav'));
    // Transcripts first (and handled) so each audio upload is aligned once; the reverse order works too,
    // at the cost of a transcribe-mode run per file before the transcript's event reruns it.
    for (const extension of ['txt', 'wav']) {
      await Promise.all(
        stems.map(async (stem) => {
          const path = join(options.samplesDir, `${stem}.${extension}`);
          const body = await readFile(path).catch(() => undefined);
          if (body === undefined) return;
          await store.put(BUCKET, `incoming/${stem}.${extension}`, body, {
            contentType: extension === 'wav' ? 'audio/wav' : 'text/plain; charset=utf-8',
          });
        }),
      );
      await pipeline.idle();
    }
    await mkdir(options.outputDir, { recursive: true });
    let failures = 0;
    for (const stem of stems) {
      const succeeded = await reportOne(store, stem, options);
      if (!succeeded) failures++;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out.write(
      `\n${stems.length - failures} of ${stems.length} files aligned in ${seconds} s. ` +
        `Results (JSON, TextGrid, WebVTT, SRT, CTM and an HTML viewer each) copied to ${options.outputDir}\n` +
        'Open a viewer (.html) in a browser to see the words on the waveform and play them.\n',
    );
    return failures === 0 ? 0 : 1;
  } catch (error) {
    options.err.write(`demo failed: ${toAlignError(error).message}\n`);
    return 1;
  } finally {
    pool.destroy();
    await pipeline.close();
  }
}

async function reportOne(store: S3Store, stem: string, options: DemoOptions): Promise<boolean> {
  const { out } = options;
  const json = await store.readText(BUCKET, `results/${stem}.json`, MAX_RESULT_BYTES);
  if (json === undefined) {
    const failure = await store.readText(BUCKET, `failed/${stem}.json`, MAX_RESULT_BYTES);
    out.write(
      `\n${stem}.wav: FAILED ${failure === undefined ? '(no result and no failure record)' : failure.text}\n`,
    );
    return false;
  }
  const result = JSON.parse(json.text) as AlignmentResult;
  const copied: string[] = [];
  for (const format of KNOWN_OUTPUT_FORMATS) {
    const key = `results/${stem}${formatExtension(format)}`;
    const body = await store.readText(BUCKET, key, MAX_RESULT_BYTES);
    if (body === undefined) continue;
    const path = join(options.outputDir, `${stem}${formatExtension(format)}`);
    await writeFile(path, body.text);
    copied.push(path);
  }
  out.write(
    `\n${stem}.wav  (${result.audio.durationSec.toFixed(2)} s, ${result.mode}, ` +
      `${result.stats.wordsAligned}/${result.stats.wordsTotal} words aligned, model ${result.model.name})\n`,
  );
  out.write(`${formatWordTable(result)}\n`);
  for (const warning of result.warnings) out.write(`warning: ${warning}\n`);
  out.write(`result: s3://${BUCKET}/results/${stem}.json -> ${copied[0]}\n`);
  const viewer = copied.find((path) => path.endsWith(formatExtension('html')));
  if (viewer !== undefined) out.write(`viewer: ${viewer}\n`);
  return true;
}

if (require.main === module) {
  runDemo({
    samplesDir: join(__dirname, '..', 'samples'),
    outputDir: join(tmpdir(), 'w2v2-align-demo'),
    out: process.stdout,
    err: process.stderr,
    env: { MODEL_DIR: process.env.MODEL_DIR, W2V2_QUANTIZE: process.env.W2V2_QUANTIZE },
  }).then((code) => {
    process.exitCode = code;
  });
}
