import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHandler } from '../../lambdas/align-cpu';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { loadConfig } from '../../shared/config/app-config';
import type { AlignmentResult } from '../../shared/output/result';
import { S3ClientPool } from '../../shared/s3/s3-client-pool';
import { S3Store } from '../../shared/s3/s3-store';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, startLocalS3 } from '../local-s3/local-s3-server';
import { toAwsS3Event } from '../local-s3/s3-event-adapter';
import { terminalLog } from '../local-s3/terminal-log';
import { loadAverage } from './load-average';
import { printTable } from './table';

const ROOT = join(__dirname, '..', '..');
const SAMPLES = ['harbor-1999', 'well-known-sailor', 'blue-notebook', 'puppy-tail', 'quiet-rivers'];
const FILES = 50;
const FILE_SEC = 10;
const BUCKET = 'bench';

/**
 * End-to-end throughput of the S3-triggered pipeline: 50 ten-second files through the local S3, delivered as
 * one SQS batch per run (as the queue would), with PIPELINE_MAX_CONCURRENCY 1, 2 and 4. Prints activities per
 * minute and per-stage means from the result documents.
 */
export async function runPipelineBench(
  options: { modelDir?: string | undefined; quantize?: boolean } = {},
): Promise<void> {
  const s3 = await startLocalS3({ buckets: [BUCKET] });
  try {
    const config = loadConfig({ S3_ENDPOINT: s3.endpoint }).s3;
    const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
    const store = new S3Store(pool, config, terminalLog(process.stderr));
    const { wav, text } = await tenSecondFile();
    const keys = Array.from(
      { length: FILES },
      (_, i) => `incoming/bench/file-${String(i).padStart(2, '0')}.wav`,
    );
    for (const key of keys) {
      await store.put(BUCKET, key.replace(/\.wav$/, '.txt'), text, {
        contentType: 'text/plain; charset=utf-8',
      });
      await store.put(BUCKET, key, wav, { contentType: 'audio/wav' });
    }
    const sqsEvent = {
      Records: keys.map((key, i) => ({
        messageId: `m-${i}`,
        receiptHandle: `r-${i}`,
        eventSource: 'aws:sqs',
        attributes: { ApproximateReceiveCount: '1' },
        body: JSON.stringify(
          toAwsS3Event([
            {
              eventName: 'ObjectCreated:Put',
              eventTime: new Date().toISOString(),
              s3: { bucket: { name: BUCKET }, object: { key, size: wav.length } },
            },
          ]),
        ),
      })),
    };

    process.stdout.write(
      `\nPipeline end to end: ${FILES} files of ${FILE_SEC} s through the local S3, one SQS batch, model ${options.modelDir ?? 'demo-en'} ` +
        `${options.quantize === true ? 'int8' : 'fp32'} ` +
        `(load average ${loadAverage()} on ${availableParallelism()} cores)\n`,
    );
    const rows: string[][] = [];
    for (const concurrency of [1, 2, 4]) {
      const results: AlignmentResult[] = [];
      const handler = createHandler(
        {
          S3_ENDPOINT: s3.endpoint,
          PIPELINE_MAX_CONCURRENCY: String(concurrency),
          ...(options.modelDir === undefined ? {} : { MODEL_DIR: options.modelDir }),
          W2V2_QUANTIZE: String(options.quantize === true),
          RESULTS_PREFIX: `results-c${concurrency}/`,
          FAILED_PREFIX: `failed-c${concurrency}/`,
        },
        {
          s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
          log: terminalLog(process.stderr),
          telemetry: { succeeded: (result) => results.push(result), failed: () => undefined },
        },
      );
      // Warm-up: load the model and JIT the paths once, outside the timed run.
      await handler({ ...sqsEvent, Records: sqsEvent.Records.slice(0, 1) });
      results.length = 0;
      const started = performance.now();
      await handler({ ...sqsEvent, Records: sqsEvent.Records.slice(1) });
      const wallMs = performance.now() - started;
      const n = results.length;
      const mean = (pick: (r: AlignmentResult) => number) => results.reduce((a, r) => a + pick(r), 0) / n;
      const computeMs = results.reduce((a, r) => a + r.stats.inferenceMs + r.stats.alignMs, 0);
      rows.push([
        String(concurrency),
        `${n}/${FILES - 1}`,
        ((n / wallMs) * 60_000).toFixed(0),
        (wallMs / 1000).toFixed(1),
        mean((r) => r.stats.downloadMs).toFixed(0),
        mean((r) => r.stats.inferenceMs).toFixed(0),
        mean((r) => r.stats.alignMs).toFixed(0),
        `${(100 * Math.max(0, 1 - computeMs / wallMs)).toFixed(1)}%`,
      ]);
    }
    printTable(
      [
        'concurrency',
        'done',
        'activities/min',
        'wall s',
        'download+decode ms',
        'inference ms',
        'align ms',
        'outside inference+align',
      ],
      rows,
    );
    process.stdout.write(
      '(outside inference+align = 1 − Σ(inference+align) / wall: download, decode, transcript discovery, idempotency\n' +
        ' checks, result rendering and uploads. Each inference already uses every core (intra-op threads = cores), so\n' +
        ' inferences do not overlap in effect; above concurrency 1 their measured time includes waiting for the CPU)\n',
    );
    pool.destroy();
  } finally {
    await s3.close();
  }
}

/** Ten seconds of speech (the samples end to end) as a 16-bit WAV, with the matching transcript. */
async function tenSecondFile(): Promise<{ wav: Uint8Array; text: string }> {
  const rate = 16_000;
  const samples = new Float32Array(FILE_SEC * rate);
  const texts: string[] = [];
  let offset = 0;
  for (const name of SAMPLES) {
    const audio = await decodeAudioFile(join(ROOT, 'samples', `${name}.wav`), {
      targetSampleRate: rate,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });
    if (offset + audio.samples.length > samples.length) break;
    samples.set(audio.samples, offset);
    offset += audio.samples.length;
    texts.push(readFileSync(join(ROOT, 'samples', `${name}.txt`), 'utf8').trim());
  }
  return { wav: encodeWav16(samples, rate), text: texts.join(' ') };
}

function encodeWav16(samples: Float32Array, rate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
  }
  return out;
}
