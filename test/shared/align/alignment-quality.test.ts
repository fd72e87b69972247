/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessAlignment, isSuspectResult, requireMinScore } from '../../../shared/align/alignment-quality';
import { decodeAudioFile } from '../../../shared/audio/decode-audio';
import { ScoreBelowMinimumError } from '../../../shared/errors';
import type { AcousticModel } from '../../../shared/inference/acoustic-model';
import { openOnnxModel } from '../../../shared/inference/onnx-acoustic-model';
import { loadModelSpec } from '../../../shared/model/model-spec';
import type { AlignmentResult } from '../../../shared/output/result';
import { runAlignJob } from '../../../shared/pipeline/align-job';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../../helpers/demo-model';

const SAMPLES = ['blue-notebook', 'harbor-1999', 'puppy-tail', 'quiet-rivers', 'well-known-sailor'];

let model: AcousticModel;

beforeAll(async () => {
  const spec = await loadModelSpec(DEMO_MODEL_DIR);
  model = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
});

function transcriptOf(name: string): string {
  return readFileSync(join(SAMPLES_DIR, `${name}.txt`), 'utf8');
}

/** The sample's audio aligned by the demo model to `text` (or transcribed, without one). */
async function aligned(name: string, text: string | undefined, star = false): Promise<AlignmentResult> {
  const audio = await decodeAudioFile(join(SAMPLES_DIR, `${name}.wav`), {
    targetSampleRate: model.spec.sampleRate,
    maxDurationSec: 60,
    timeoutMs: 10_000,
  });
  return runAlignJob({ audio, text, source: { path: name }, downloadMs: 0 }, model, {
    robustMode: true,
    confidenceWeighting: false,
    star,
  });
}

describe('the "alignment looks wrong" check on the demo model', () => {
  it.each(SAMPLES)('finds nothing wrong with %s aligned to its own transcript', async (name) => {
    // Act
    const result = await aligned(name, transcriptOf(name));

    // Assess
    expect(assessAlignment(result.words, result.stats)).toEqual({ suspect: false, reasons: [] });
    expect(result.warnings).toEqual([]);
  });

  it.each(SAMPLES.map((name, i) => [name, SAMPLES[(i + 1) % SAMPLES.length]!]))(
    "warns, giving the scores, when %s is aligned to %s's transcript",
    async (audio, other) => {
      // Act
      const result = await aligned(audio, transcriptOf(other));

      // Assess
      expect(isSuspectResult(result)).toBe(true);
      expect(result.warnings).toEqual([
        expect.stringMatching(
          /^alignment looks wrong \(is the transcript the one of this audio\?\): mean word score 0\.\d\d is below 0\.6; \d+ of \d+ words score under 0\.5/,
        ),
      ]);
    },
  );

  it('names a word stretched over speech the transcript leaves out, which the scores alone do not show', async () => {
    // Prepare: "blue notebook before the" is left out, and "me" stretches over it.
    const text = 'Please hand me the meeting starts.';

    // Act
    const result = await aligned('blue-notebook', text);
    const withStar = await aligned('blue-notebook', text, true);

    // Assess
    expect(result.stats.meanWordScore).toBeGreaterThan(0.8);
    expect(assessAlignment(result.words, result.stats).reasons).toEqual([
      expect.stringMatching(
        /^"me" lasts \d\.\d\d s \(at most 0\.80 s expected\): longer than its letters take/,
      ),
    ]);
    // The <star> wildcard absorbs the missing speech instead, so nothing is stretched.
    expect(isSuspectResult(withStar)).toBe(false);
  });

  it('does not judge a transcription, which has no transcript to doubt', async () => {
    // Prepare
    const result = await aligned('puppy-tail', undefined);
    const words = result.words.map((word) => ({ ...word, score: 0.1 }));
    const lowScores = {
      words,
      stats: { ...result.stats, meanWordScore: 0.1, lowScoreWords: words.filter((w) => w.aligned).length },
    };

    // Act
    const suspect = isSuspectResult({ mode: result.mode, ...lowScores });

    // Assess
    expect(result.mode).toBe('transcribe');
    expect(suspect).toBe(false);
    expect(isSuspectResult({ mode: 'align', ...lowScores })).toBe(true);
  });

  it('fails a mean word score below the minimum asked for with ALIGNMENT_IMPOSSIBLE, and passes one at it', async () => {
    // Prepare
    const result = await aligned('puppy-tail', transcriptOf('well-known-sailor'));
    const mean = result.stats.meanWordScore;

    // Act
    const below = (): void => requireMinScore(result, mean + 0.0001);
    const at = (): void => requireMinScore(result, mean);

    // Assess
    expect(below).toThrow(ScoreBelowMinimumError);
    expect(below).toThrow(expect.objectContaining({ code: 'ALIGNMENT_IMPOSSIBLE' }));
    expect(at).not.toThrow();
  });
});
