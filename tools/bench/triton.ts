import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTritonDevServer } from '../../cli/triton-dev-server/dev-server';
import type { Emissions } from '../../shared/align/emissions';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { DEFAULT_WINDOW } from '../../shared/inference/window-plan';
import { loadModelSpec, type ModelSpec } from '../../shared/model/model-spec';
import { openTritonModel } from '../../shared/triton/triton-acoustic-model';
import type { TritonClientStats } from '../../shared/triton/triton-client';
import { printTable } from './table';

const ROOT = join(__dirname, '..', '..');
const AUDIO_SEC = 60;
/** Rounds per transport; the fastest is reported, the least disturbed by other work on a shared machine. */
const ROUNDS = 5;

/** One way of shipping tensors to Triton. */
interface Transport {
  label: string;
  binaryData: boolean;
  float16: boolean;
}

const TRANSPORTS: readonly Transport[] = [
  { label: 'binary FP32', binaryData: true, float16: false },
  { label: 'JSON FP32', binaryData: false, float16: false },
  { label: 'binary FP16', binaryData: true, float16: true },
  { label: 'JSON FP16', binaryData: false, float16: true },
];

/**
 * `npm run bench -- triton`: 60 s of speech through the local HTTPS Triton stand-in (onnxruntime on CPU) with
 * each transport: requests, bytes each way, wall time (fastest of 5), and how far the emissions drift from
 * binary FP32. The stand-in's inference dominates the wall time; the differences between rows are transport.
 */
export async function runTritonBench(): Promise<void> {
  const modelDir = join(ROOT, 'models', 'demo-en');
  const spec = await loadModelSpec(modelDir);
  const samples = await minuteOfSpeech(spec);
  const server = await startTritonDevServer({ modelDir });
  process.stdout.write(
    `\nTriton transport: ${AUDIO_SEC} s of speech, ${spec.name}, ${DEFAULT_WINDOW.windowSec} s windows (${DEFAULT_WINDOW.contextSec} s context), 4 windows per request, ` +
      `2 in flight, stand-in at ${server.url}\n`,
  );
  const rows: string[][] = [];
  let reference: Emissions | undefined;
  try {
    for (const transport of TRANSPORTS) {
      const model = await openTritonModel(spec, {
        url: server.url,
        ca: server.ca,
        modelName: 'w2v2',
        binaryData: transport.binaryData,
        float16: transport.float16,
      });
      try {
        const walls: number[] = [];
        let last: { emissions: Emissions; stats: TritonClientStats } | undefined;
        for (let round = 0; round < ROUNDS; round++) {
          const before = { ...model.client.stats };
          const started = performance.now();
          const emissions = await model.logProbs(samples);
          walls.push(performance.now() - started);
          last = { emissions, stats: difference(model.client.stats, before) };
        }
        if (last === undefined) throw new Error(`the ${transport.label} case ran no round`);
        reference ??= last.emissions;
        rows.push([
          transport.label,
          String(last.stats.requests),
          megabytes(last.stats.bytesSent),
          megabytes(last.stats.bytesReceived),
          Math.min(...walls).toFixed(0),
          largestDifference(reference, last.emissions).toExponential(1),
        ]);
      } finally {
        model.close();
      }
    }
  } finally {
    await server.close();
  }
  printTable(['transport', 'requests', 'sent MB', 'received MB', 'best wall ms', 'max |Δ log-prob|'], rows);
}

function difference(after: TritonClientStats, before: TritonClientStats): TritonClientStats {
  return {
    requests: after.requests - before.requests,
    retries: after.retries - before.retries,
    bytesSent: after.bytesSent - before.bytesSent,
    bytesReceived: after.bytesReceived - before.bytesReceived,
  };
}

function largestDifference(a: Emissions, b: Emissions): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

/** The bundled sample utterances looped to a minute. */
async function minuteOfSpeech(spec: ModelSpec): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const name of ['harbor-1999', 'puppy-tail', 'quiet-rivers', 'blue-notebook', 'well-known-sailor']) {
    const path = join(ROOT, 'samples', `${name}.wav`);
    if (!existsSync(path)) continue;
    const decoded = await decodeAudioFile(path, {
      targetSampleRate: spec.sampleRate,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });
    parts.push(decoded.samples);
  }
  if (parts.length === 0) throw new Error('samples/*.wav are missing; the Triton bench needs speech');
  const out = new Float32Array(AUDIO_SEC * spec.sampleRate);
  for (let offset = 0, i = 0; offset < out.length; i++) {
    const part = parts[i % parts.length]!;
    out.set(part.subarray(0, Math.min(part.length, out.length - offset)), offset);
    offset += part.length;
  }
  return out;
}
