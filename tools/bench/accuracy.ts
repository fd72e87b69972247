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
  const truths = samples.map(
    (name) => JSON.parse(readFileSync(join(ROOT, 'samples', `${name}.truth.json`), 'utf8')) as Truth,
  );
  const results: Record<'fp32' | 'int8', AlignmentResult[]> = { fp32: [], int8: [] };
  const transcripts: Record<'fp32' | 'int8', AlignmentResult[]> = { fp32: [], int8: [] };
  for (const precision of ['fp32', 'int8'] as const) {
    const file = await resolveModelFile(spec, {
      quantize: precision === 'int8',
      cacheDir: join(tmpdir(), 'w2v2-align-models'),
    });
    const model = await openOnnxModel(spec, { modelPath: file.path, quantized: file.quantized });
    for (const [i, name] of samples.entries()) {
      const truth = truths[i]!;
      const audio = await decodeAudioFile(join(ROOT, 'samples', `${name}.wav`), {
        targetSampleRate: spec.sampleRate,
        maxDurationSec: 3600,
        timeoutMs: 10_000,
      });
      const settings = { robustMode: true, confidenceWeighting: false, star: false };
      const source = { path: name };
      results[precision].push(
        await runAlignJob({ audio, text: truth.text, source, downloadMs: 0 }, model, settings),
      );
      transcripts[precision].push(
        await runAlignJob({ audio, text: undefined, source, downloadMs: 0 }, model, settings),
      );
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
    truths.forEach((truth, i) => {
      const words = results[precision][i]!.words;
      truth.words.forEach((w, k) => {
        errors.push(Math.abs(words[k]!.start - w.start), Math.abs(words[k]!.end - w.end));
      });
      const reference = spokenText(truth.text, spec);
      charErrors += editDistance(transcripts[precision][i]!.text, reference);
      charTotal += reference.length;
    });
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
  results.fp32.forEach((result, i) => {
    result.words.forEach((w, k) => {
      const q = results.int8[i]!.words[k]!;
      shifts.push(Math.abs(q.start - w.start), Math.abs(q.end - w.end));
    });
  });
  printTable(['graph', 'greedy CER %', 'boundary MAE ms', '% within 50 ms'], rows);
  process.stdout.write(
    `int8 vs fp32 word boundaries: mean |shift| ${((shifts.reduce((a, b) => a + b, 0) / shifts.length) * 1000).toFixed(1)} ms, ` +
      `max ${(Math.max(...shifts) * 1000).toFixed(0)} ms over ${shifts.length} boundaries\n`,
  );
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
