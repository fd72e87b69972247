import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { openOnnxModel } from '../../shared/inference/onnx-acoustic-model';
import { resolveModelFile } from '../../shared/model/model-file';
import { loadModelSpec } from '../../shared/model/model-spec';
import type { AlignmentResult } from '../../shared/output/result';
import { runAlignJob } from '../../shared/pipeline/align-job';
import { tokenizeTranscript } from '../../shared/text/tokenizer';
import { printTable } from './table';

const ROOT = join(__dirname, '..', '..');

interface Truth {
  text: string;
  words: { word: string; start: number; end: number }[];
}

/**
 * Word-boundary accuracy and greedy CER of the bundled demo model on the held-out samples, through the same
 * decode → inference → alignment path as the pipeline, for the fp32 and the int8 graph.
 */
export async function runAccuracyBench(): Promise<void> {
  const modelDir = join(ROOT, 'models', 'demo-en');
  if (!existsSync(join(modelDir, 'model.onnx'))) {
    process.stdout.write('\naccuracy: skipped, models/demo-en/model.onnx is missing\n');
    return;
  }
  const spec = await loadModelSpec(modelDir);
  const samples = readdirSync(join(ROOT, 'samples'))
    .filter((name) => name.endsWith('.truth.json'))
    .map((name) => name.replace(/\.truth\.json$/, ''));
  const truths = samples.map((name) => ({
    name,
    truth: JSON.parse(readFileSync(join(ROOT, 'samples', `${name}.truth.json`), 'utf8')) as Truth,
  }));
  /** Per precision, each sample's truth with its alignment and its greedy transcription, in sample order. */
  const outcomes: Record<'fp32' | 'int8', SampleOutcome[]> = { fp32: [], int8: [] };
  for (const precision of ['fp32', 'int8'] as const) {
    const file = await resolveModelFile(spec, {
      quantize: precision === 'int8',
      cacheDir: join(tmpdir(), 'w2v2-align-models'),
    });
    const model = await openOnnxModel(spec, { modelPath: file.path, quantized: file.quantized });
    for (const { name, truth } of truths) {
      const audio = await decodeAudioFile(join(ROOT, 'samples', `${name}.wav`), {
        targetSampleRate: spec.sampleRate,
        maxDurationSec: 3600,
        timeoutMs: 10_000,
      });
      const settings = { robustMode: true, confidenceWeighting: false, star: false };
      const source = { path: name };
      outcomes[precision].push({
        name,
        truth,
        aligned: await runAlignJob({ audio, text: truth.text, source, downloadMs: 0 }, model, settings),
        transcribed: await runAlignJob({ audio, text: undefined, source, downloadMs: 0 }, model, settings),
      });
    }
  }

  process.stdout.write(
    `\nDemo model accuracy on ${samples.length} held-out samples (samples/*.truth.json)\n`,
  );
  const rows: string[][] = [];
  for (const precision of ['fp32', 'int8'] as const) {
    const errors: number[] = [];
    let charErrors = 0;
    let charTotal = 0;
    for (const { name, truth, aligned, transcribed } of outcomes[precision]) {
      for (const [w, word] of pairUp(name, truth.words, aligned.words)) {
        errors.push(Math.abs(word.start - w.start), Math.abs(word.end - w.end));
      }
      const reference = spokenText(truth.text, spec);
      charErrors += editDistance(transcribed.text, reference);
      charTotal += reference.length;
    }
    const mae = (errors.reduce((a, b) => a + b, 0) / errors.length) * 1000;
    const within = errors.filter((e) => e <= 0.05).length / errors.length;
    rows.push([
      precision,
      (100 * (charErrors / charTotal)).toFixed(1),
      mae.toFixed(1),
      (100 * within).toFixed(1),
    ]);
  }
  const shifts: number[] = [];
  for (const [fp32, int8] of pairUp('int8 vs fp32', outcomes.fp32, outcomes.int8)) {
    for (const [w, q] of pairUp(fp32.name, fp32.aligned.words, int8.aligned.words)) {
      shifts.push(Math.abs(q.start - w.start), Math.abs(q.end - w.end));
    }
  }
  printTable(['graph', 'greedy CER %', 'boundary MAE ms', '% within 50 ms'], rows);
  process.stdout.write(
    `int8 vs fp32 word boundaries: mean |shift| ${((shifts.reduce((a, b) => a + b, 0) / shifts.length) * 1000).toFixed(1)} ms, ` +
      `max ${(Math.max(...shifts) * 1000).toFixed(0)} ms over ${shifts.length} boundaries\n`,
  );
}

interface SampleOutcome {
  name: string;
  truth: Truth;
  aligned: AlignmentResult;
  transcribed: AlignmentResult;
}

/** Pairs two lists item by item; they must be equally long (one entry per transcript word, or per sample). */
function pairUp<A, B>(what: string, left: readonly A[], right: readonly B[]): [A, B][] {
  const pairs: [A, B][] = [];
  for (const [i, a] of left.entries()) {
    const b = right[i];
    if (b === undefined) throw new Error(`${what}: ${left.length} entries to compare with ${right.length}`);
    pairs.push([a, b]);
  }
  return pairs;
}

/** The transcript as the model should spell it: tokens, with a space at each word delimiter. */
function spokenText(text: string, spec: Awaited<ReturnType<typeof loadModelSpec>>): string {
  const tokens = tokenizeTranscript(text, spec.vocabulary, { robust: true });
  return tokens.targetText.map((t) => (t === '|' ? ' ' : t)).join('');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
