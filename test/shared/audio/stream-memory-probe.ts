/*
 * Run by decode-audio.test.ts in its own Node process (with --expose-gc): streams a generated WAV of the
 * given size through decodeAudioStream and prints, as JSON, the peak of live ArrayBuffer memory above the
 * baseline, sampled after a full collection every 16 chunks. A separate process keeps jest's heap and its
 * slower sandboxed contexts out of the figures.
 */
import { decodeAudioStream } from '../../../shared/audio/decode-audio';
import { buildWav, encodeSamples, sine, toneAmplitude } from './wav-fixture';

/** What the parent test asserts on. */
export interface StreamMemoryReport {
  dataBytes: number;
  outputBytes: number;
  peakBytes: number;
  durationSec: number;
  samples: number;
  lastSecondTone: number;
  elapsedMs: number;
}

async function main(megabytes: number): Promise<StreamMemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  // 32-bit float stereo at 48 kHz; whole periods of 1 kHz per chunk so every chunk is the same.
  const chunkTemplate = encodeSamples(sine(48 * 2730, 1000, 48_000, [0.5, 0.25]), 'f32');
  const chunks = Math.ceil((megabytes * 1024 * 1024) / chunkTemplate.length);
  const dataBytes = chunks * chunkTemplate.length;
  const fmt = { channels: 2, sampleRate: 48_000, bitsPerSample: 32, tag: 3 };
  const header = buildWav({ fmt, data: new Uint8Array(0), dataSize: dataBytes });
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  let peakBytes = 0;
  async function* generate(): AsyncGenerator<Uint8Array> {
    yield header.slice();
    for (let i = 0; i < chunks; i++) {
      if (i % 16 === 0) {
        // Twice: one collection may leave freed ArrayBuffers still counted until the next.
        gc?.();
        gc?.();
        peakBytes = Math.max(peakBytes, process.memoryUsage().arrayBuffers - baseline);
      }
      yield chunkTemplate.slice();
    }
  }
  const started = performance.now();
  const decoded = await decodeAudioStream(generate(), {
    targetSampleRate: 16_000,
    maxDurationSec: 3600,
    timeoutMs: 10_000,
    sizeBytes: header.length + dataBytes,
    streamThresholdBytes: 64 * 1024 * 1024,
  });
  return {
    dataBytes,
    outputBytes: decoded.samples.byteLength,
    peakBytes,
    durationSec: decoded.info.durationSec,
    samples: decoded.samples.length,
    lastSecondTone: toneAmplitude(decoded.samples.subarray(-16_000), 1000, 16_000),
    elapsedMs: performance.now() - started,
  };
}

main(Number(process.argv[2] ?? 200)).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
