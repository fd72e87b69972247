import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DecodeOptions, decodeAudioBuffer, decodeAudioStream } from '../../shared/audio/decode-audio';
import { AlignError } from '../../shared/errors';
import { loadModelSpec, type ModelSpec } from '../../shared/model/model-spec';
import { mutateAudio } from './audio-mutations';
import { type AudioSeed, loadAudioSeeds } from './audio-seeds';
import { generateHostileAudio } from './hostile-headers';
import { NAMED_TRANSCRIPTS, randomTranscript } from './hostile-transcripts';
import { SeededRandom } from './seeded-random';
import { runTranscriptCase } from './transcript-case';

/** What one fuzz run does: how many cases from which seed, under which limits. */
export interface FuzzOptions {
  cases: number;
  seed: number;
  /** First case index (to replay one case: `from` = its index, `cases` = 1). */
  from?: number;
  /** The decoder's per-step read/decode timeout (AUDIO_READ_TIMEOUT_SEC), in ms. */
  timeoutMs: number;
  /** The duration limit handed to the decoder. */
  maxDurationSec: number;
  /** Called every `progressEvery` cases. */
  onProgress?: (done: number, report: FuzzReport) => void;
  progressEvery?: number;
}

/** A case that broke a promise: an untyped throw, a non-finite or over-long output, or a run past the timeout. */
export interface FuzzViolation {
  index: number;
  label: string;
  problem: string;
}

/** The figures of a run. */
export interface FuzzReport {
  cases: number;
  /** 'ok' or the AlignError code, per case kind. */
  outcomes: Record<string, Record<string, number>>;
  violations: FuzzViolation[];
  /** The slowest audio case (the read timeout applies to these). */
  maxCaseMs: number;
  slowestCase: string;
  /** The slowest transcript case (1 MiB of text takes seconds to tokenize and reject). */
  maxTranscriptMs: number;
  /** The largest memory bound of any case (see `memoryBoundBytes`). */
  maxBoundBytes: number;
  rssStartBytes: number;
  /** RSS once the decoders' WASM modules are compiled (after the first 1% of cases, at most 500). */
  rssWarmBytes: number;
  rssEndBytes: number;
  peakRssBytes: number;
  heapWarmBytes: number;
  heapEndBytes: number;
}

/** The codes a decoder may answer hostile audio with. */
export const AUDIO_ERROR_CODES = new Set(['AUDIO_DECODE', 'AUDIO_TOO_LONG', 'TIMEOUT', 'INVALID_INPUT']);
/** The codes an alignment may answer a hostile transcript with. */
export const TRANSCRIPT_ERROR_CODES = new Set([
  'TRANSCRIPT_EMPTY',
  'UNKNOWN_TOKENS',
  'ALIGNMENT_IMPOSSIBLE',
  'INVALID_INPUT',
]);

const TARGET_RATE = 16_000;
/** Runtime, the WASM decoders' own heaps and one bounded decode step (16 MiB of float32, several copies). */
const FIXED_BOUND_BYTES = 160 * 1024 * 1024;

/**
 * The memory one case may use: a fixed part (runtime, decoder heaps, a step's buffers), a few copies of the
 * input, and the output at the duration limit twice (pages joined at the end).
 */
export function memoryBoundBytes(fileBytes: number, maxDurationSec: number): number {
  return FIXED_BOUND_BYTES + 4 * fileBytes + 2 * 4 * Math.ceil(maxDurationSec * TARGET_RATE);
}

type CaseKind = 'mutated WAV' | 'mutated compressed' | 'generated header' | 'transcript';

function caseKind(random: SeededRandom): CaseKind {
  const roll = random.next();
  if (roll < 0.45) return 'mutated WAV';
  if (roll < 0.63) return 'mutated compressed';
  if (roll < 0.85) return 'generated header';
  return 'transcript';
}

/**
 * Feeds `bytes` in random-sized pieces, as a network body arrives: TCP segments up to socket-buffer sizes.
 * (Byte-sized drips are not modelled: each piece may take up to the read timeout, so a drip is unbounded anyway.)
 */
async function* pieces(bytes: Uint8Array, random: SeededRandom): AsyncIterable<Uint8Array> {
  const small = random.chance(0.3);
  for (let at = 0; at < bytes.length; ) {
    const size = small ? random.int(512, 4096) : random.int(1, 65_536);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

interface AudioCase {
  label: string;
  extension: string;
  bytes: Uint8Array;
}

function audioCase(
  kind: CaseKind,
  seeds: { wav: AudioSeed[]; compressed: AudioSeed[] },
  random: SeededRandom,
): AudioCase {
  if (kind === 'generated header') return generateHostileAudio(random);
  const pool = kind === 'mutated WAV' ? seeds.wav : seeds.compressed;
  const seed = random.pick(pool);
  const other = random.pick([...seeds.wav, ...seeds.compressed]);
  return {
    label: `mutated ${seed.name}`,
    extension: seed.extension,
    bytes: mutateAudio(seed.bytes, other.bytes, random),
  };
}

/** Decodes one case through the buffer or the streaming path; returns the outcome or a violation. */
async function runAudioCase(
  input: AudioCase,
  options: FuzzOptions,
  random: SeededRandom,
): Promise<{ outcome: string; problem?: string }> {
  const decode: DecodeOptions = {
    targetSampleRate: TARGET_RATE,
    maxDurationSec: options.maxDurationSec,
    timeoutMs: options.timeoutMs,
    formatHint: random.chance(0.8) ? input.extension : random.pick(['wav', 'mp3', 'bin']),
    ...(random.chance(0.5) ? {} : { streamThresholdBytes: random.pick([0, 4096, 1 << 20]) }),
  };
  try {
    const audio = random.chance(0.5)
      ? await decodeAudioBuffer(input.bytes, decode)
      : await decodeAudioStream(pieces(input.bytes, random), {
          ...decode,
          ...(random.chance(0.7) ? { sizeBytes: input.bytes.length } : {}),
        });
    if (audio.samples.length > Math.ceil(options.maxDurationSec * TARGET_RATE) + 2) {
      return { outcome: 'ok', problem: `${audio.samples.length} samples exceed the duration limit` };
    }
    for (const sample of audio.samples) {
      if (!Number.isFinite(sample)) return { outcome: 'ok', problem: `non-finite sample ${sample}` };
    }
    return { outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof AlignError)) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { outcome: 'crash', problem: `untyped throw ${detail}` };
    }
    if (!AUDIO_ERROR_CODES.has(error.code))
      return { outcome: error.code, problem: `unexpected code ${error.code}` };
    return { outcome: error.code };
  }
}

async function transcriptOutcome(
  spec: ModelSpec,
  random: SeededRandom,
): Promise<{ label: string; outcome: string; problem?: string }> {
  // The named cases include 1 MiB of text (seconds each), so they come up in a few percent of cases.
  const named = random.chance(0.03);
  const transcript = named ? random.pick(NAMED_TRANSCRIPTS) : randomTranscript(random);
  try {
    const outcome = await runTranscriptCase(spec, transcript.text, random, {
      robustMode: random.chance(0.7),
      seconds: random.pick([0.1, 1, 3]),
    });
    if (outcome !== 'ok' && !TRANSCRIPT_ERROR_CODES.has(outcome)) {
      return { label: transcript.label, outcome, problem: `unexpected code ${outcome}` };
    }
    return { label: transcript.label, outcome };
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { label: transcript.label, outcome: 'crash', problem: `untyped throw ${detail}` };
  }
}

/**
 * Runs `cases` fuzz cases: mutated real WAV/FLAC/MP3/Ogg files, generated headers with absurd fields, and
 * hostile transcripts through alignment and every renderer. Each case has its own random source derived from
 * (seed, index), so any case can be replayed alone.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const all = loadAudioSeeds();
  const seeds = {
    wav: all.filter((seed) => seed.extension === 'wav'),
    compressed: all.filter((seed) => seed.extension !== 'wav'),
  };
  const spec = await loadModelSpec(join(__dirname, '..', '..', 'models', 'demo-en'));
  const first = options.from ?? 0;
  const warmAt = Math.min(500, Math.ceil(options.cases / 100));
  const report: FuzzReport = {
    cases: 0,
    outcomes: {},
    violations: [],
    maxCaseMs: 0,
    slowestCase: '',
    maxTranscriptMs: 0,
    maxBoundBytes: 0,
    rssStartBytes: process.memoryUsage().rss,
    rssWarmBytes: 0,
    rssEndBytes: 0,
    peakRssBytes: 0,
    heapWarmBytes: 0,
    heapEndBytes: 0,
  };
  // The kernel's maxRSS is the process's lifetime high-water mark; in a shared process (a Jest worker) it may
  // come from earlier work, so it only counts when it rose during this run.
  const lifetimePeakBefore = process.resourceUsage().maxRSS * 1024;
  for (let index = first; index < first + options.cases; index++) {
    const random = SeededRandom.derive(options.seed, index);
    const kind = caseKind(random);
    const started = performance.now();
    let label: string;
    let result: { outcome: string; problem?: string };
    if (kind === 'transcript') {
      const transcript = await transcriptOutcome(spec, random);
      label = `transcript (${transcript.label})`;
      result = transcript;
    } else {
      const input = audioCase(kind, seeds, random);
      label = `${input.label} (${input.bytes.length} bytes)`;
      report.maxBoundBytes = Math.max(
        report.maxBoundBytes,
        memoryBoundBytes(input.bytes.length, options.maxDurationSec),
      );
      result = await runAudioCase(input, options, random);
    }
    const elapsed = performance.now() - started;
    // The read timeout bounds decoding; transcripts (up to 1 MiB) are timed on their own.
    if (kind === 'transcript') report.maxTranscriptMs = Math.max(report.maxTranscriptMs, elapsed);
    else if (elapsed > options.timeoutMs)
      result.problem ??= `took ${elapsed.toFixed(0)} ms, past the ${options.timeoutMs} ms timeout`;
    if (kind !== 'transcript' && elapsed > report.maxCaseMs) {
      report.maxCaseMs = elapsed;
      report.slowestCase = `#${index} ${label}`;
    }
    report.outcomes[kind] ??= {};
    const byKind = report.outcomes[kind];
    byKind[result.outcome] = (byKind[result.outcome] ?? 0) + 1;
    if (result.problem !== undefined) report.violations.push({ index, label, problem: result.problem });
    report.cases++;
    const memory = process.memoryUsage();
    report.peakRssBytes = Math.max(report.peakRssBytes, memory.rss);
    if (report.cases === warmAt) {
      report.rssWarmBytes = memory.rss;
      report.heapWarmBytes = memory.heapUsed;
    }
    if (options.onProgress !== undefined && report.cases % (options.progressEvery ?? 1000) === 0) {
      options.onProgress(report.cases, report);
    }
  }
  const end = process.memoryUsage();
  report.rssEndBytes = end.rss;
  report.heapEndBytes = end.heapUsed;
  const lifetimePeakAfter = process.resourceUsage().maxRSS * 1024;
  if (lifetimePeakAfter > lifetimePeakBefore)
    report.peakRssBytes = Math.max(report.peakRssBytes, lifetimePeakAfter);
  return report;
}
