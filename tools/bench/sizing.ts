import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Measured, minimumMemoryMb } from '../../cdk/constructs/cpu-sizing';
import { cpuInt8Support, describeCpuInt8 } from '../../shared/inference/cpu-int8-support';
import { int8VariantFor } from '../../shared/model/quantize/int8-variant';
import { encodeWav16 } from '../../shared/output/viewer/wav-encoder';
import { ensureBaseModel } from '../models/ensure-base-model';
import { watchMemory } from '../process-memory';
import { BATCH_SIZE, sizeCosts, TIMEOUT_SEC, TRANSCRIBE_PRICE_PER_HOUR } from './lambda-cost';
import { loadAverage } from './load-average';
import { type SampleUtterance, sampleUtterances } from './sample-utterances';
import { printTable } from './table';

const ROOT = join(__dirname, '..', '..');
const SAMPLE_RATE = 16_000;
/**
 * Lengths run on two threads. Memory's growth per audio hour is the slope between the last two: the aligner's
 * band buffer grows with the file up to its cap (512 MB of backpointers), which random weights reach by 20
 * minutes, so a slope from shorter files would count that cap as growth.
 */
const MINUTES = [5, 20, 60];
/** The length also run on one thread, for the parallel share of the work. */
const ONE_THREAD_MINUTES = 20;

/** One `w2v2-align align` run: wall time and peak resident memory of the process. */
interface Run {
  minutes: number;
  threads: number;
  wallSec: number;
  peakMb: number;
}

/**
 * `npm run bench -- sizing`: what the CPU Lambda's sizing (cdk/constructs/cpu-sizing.ts) is computed from.
 * wav2vec2-base (random weights) aligns 5, 20 and 60 minutes of the sample utterances, repeated, through the real
 * command line with --quantize (the int8 variant chosen for this CPU) on 2 threads, and 20 minutes on 1, in a child process
 * whose peak resident memory (VmHWM) is read from /proc while it runs. Quantization at load is cached by a first,
 * untimed run.
 */
export async function runSizingBench(): Promise<void> {
  const cpu = cpuInt8Support();
  process.stdout.write(
    `\n## Sizing: wav2vec2-base int8 (${int8VariantFor(cpu).name}) end to end through w2v2-align align ` +
      `(${availableParallelism()} CPUs, load ${loadAverage()})\nCPU: ${describeCpuInt8(cpu)}\n`,
  );
  const base = await ensureBaseModel();
  if (!base.ok) {
    process.stdout.write(`note: sizing skipped: ${base.reason}\n`);
    return;
  }
  // The command line runs from its bundle, which must hold the source being measured.
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'w2v2-sizing-'));
  try {
    const speech = await sampleUtterances(SAMPLE_RATE);
    if (speech.length === 0) {
      process.stdout.write('note: sizing skipped: samples/*.wav are missing\n');
      return;
    }
    const files = MINUTES.map((minutes) => writeInput(work, speech, minutes));
    await alignOnce(work, base.dir, files[0]!.audio, files[0]!.text, 2);
    const runs: Run[] = [];
    for (const [i, minutes] of MINUTES.entries()) {
      const file = files[i]!;
      for (const threads of minutes === ONE_THREAD_MINUTES ? [1, 2] : [2]) {
        runs.push({ minutes, threads, ...(await alignOnce(work, base.dir, file.audio, file.text, threads)) });
      }
    }
    printTable(
      ['audio min', 'threads', 'wall s', 'RTF', 'peak MB'],
      runs.map((r) => [
        String(r.minutes),
        String(r.threads),
        r.wallSec.toFixed(1),
        (r.wallSec / (r.minutes * 60)).toFixed(4),
        r.peakMb.toFixed(0),
      ]),
    );
    const at = (threads: number, minutes: number) =>
      runs.find((r) => r.threads === threads && r.minutes === minutes);
    const [middle, longest] = MINUTES.slice(-2) as [number, number];
    const [one, two, short, long] = [
      at(1, ONE_THREAD_MINUTES),
      at(2, ONE_THREAD_MINUTES),
      at(2, middle),
      at(2, longest),
    ];
    if (one === undefined || two === undefined || short === undefined || long === undefined) return;
    const perHour = ((long.peakMb - short.peakMb) / (longest - middle)) * 60;
    const measured: Measured = {
      rtfOneThread: one.wallSec / (ONE_THREAD_MINUTES * 60),
      rtfTwoThreads: two.wallSec / (ONE_THREAD_MINUTES * 60),
      baseMemoryMb: short.peakMb - (perHour * middle) / 60,
      memoryMbPerAudioHour: perHour,
    };
    process.stdout.write(
      `memory per audio hour (2 threads, slope ${middle} -> ${longest} min): ${perHour.toFixed(0)} MB; ` +
        `intercept: ${measured.baseMemoryMb.toFixed(0)} MB\n\nThe CPU Lambda at each size (cpuSizing with these ` +
        `figures: threads = memory / 1,769 MB, RTF by Amdahl's law beyond 2 threads, a batch of ${BATCH_SIZE}, ` +
        `${TIMEOUT_SEC / 60} min timeout; ` +
        `cost = Lambda x86 duration at that RTF; Amazon Transcribe lists $${TRANSCRIBE_PRICE_PER_HOUR} per hour)\n`,
    );
    const least = minimumMemoryMb(BATCH_SIZE, measured);
    printTable(
      ['memory MB', 'threads', 'RTF', 'large-file threshold', '$ per audio hour', 'of Transcribe'],
      sizeCosts(measured).map((size) => [
        String(size.memoryMb),
        String(size.threads),
        size.rtf.toFixed(4),
        size.largeFileThresholdSec === undefined
          ? `none: refused, a batch needs ${least} MB`
          : `${size.largeFileThresholdSec / 60} min`,
        size.costPerAudioHour.toFixed(4),
        `${((size.costPerAudioHour / TRANSCRIBE_PRICE_PER_HOUR) * 100).toFixed(2)}%`,
      ]),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Whole utterances repeated until `minutes` are reached, as a WAV file and its transcript. */
function writeInput(
  dir: string,
  speech: readonly SampleUtterance[],
  minutes: number,
): { audio: string; text: string } {
  const wanted = minutes * 60 * SAMPLE_RATE;
  const chosen: SampleUtterance[] = [];
  for (let length = 0, i = 0; length < wanted; i++) {
    const part = speech[i % speech.length]!;
    chosen.push(part);
    length += part.samples.length;
  }
  const samples = new Float32Array(chosen.reduce((sum, part) => sum + part.samples.length, 0));
  let offset = 0;
  for (const part of chosen) {
    samples.set(part.samples, offset);
    offset += part.samples.length;
  }
  const audio = join(dir, `speech-${minutes}min.wav`);
  const text = join(dir, `speech-${minutes}min.txt`);
  writeFileSync(audio, encodeWav16(samples, SAMPLE_RATE));
  writeFileSync(text, `${chosen.map((part) => part.text).join(' ')}\n`);
  return { audio, text };
}

/** Runs the command line on one file and watches its peak resident memory. */
async function alignOnce(
  cwd: string,
  modelDir: string,
  audio: string,
  text: string,
  threads: number,
): Promise<{ wallSec: number; peakMb: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'w2v2-align.js'),
      'align',
      audio,
      '--text-file',
      text,
      '--model',
      modelDir,
      '--quantize',
      '--out',
      join(cwd, 'result.json'),
    ],
    {
      cwd,
      env: { ...process.env, W2V2_INFERENCE_THREADS: String(threads) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const memory = watchMemory(child, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  memory.stop();
  if (code !== 0) throw new Error(`w2v2-align align exited ${code}: ${stderr.slice(-2000)}`);
  return { wallSec: (performance.now() - started) / 1000, peakMb: memory.peakBytes() / 1024 ** 2 };
}
