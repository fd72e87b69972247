/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { join } from 'node:path';
import { decodeAudioFile } from '../../../shared/audio/decode-audio';
import { openOnnxModel } from '../../../shared/inference/onnx-acoustic-model';
import { loadModelSpec, type ModelSpec } from '../../../shared/model/model-spec';
import { runAlignJob } from '../../../shared/pipeline/align-job';
import { DEMO_MODEL_DIR, SAMPLES_DIR, sampleTruth } from '../../helpers/demo-model';

const SETTINGS = { robustMode: true, confidenceWeighting: false, star: false };

async function decoded(name: string, spec: ModelSpec) {
  return decodeAudioFile(join(SAMPLES_DIR, `${name}.wav`), {
    targetSampleRate: spec.sampleRate,
    maxDurationSec: 60,
    timeoutMs: 10_000,
  });
}

describe('runAlignJob on the demo model', () => {
  it.each(['harbor-1999', 'well-known-sailor', 'blue-notebook'])(
    'places the words of %s near their true times',
    async (name) => {
      // Prepare
      const spec = await loadModelSpec(DEMO_MODEL_DIR);
      const model = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
      const truth = sampleTruth(name);
      const audio = await decoded(name, spec);

      // Act
      const result = await runAlignJob(
        { audio, text: truth.text, source: { path: name }, downloadMs: 0 },
        model,
        SETTINGS,
      );

      // Assess
      expect(result.mode).toBe('align');
      expect(result.audio).toMatchObject({ sampleRate: truth.sampleRate, format: 'wav' });
      expect(result.words).toHaveLength(truth.words.length);
      const errors = truth.words.flatMap((w, i) => [
        Math.abs(result.words[i]!.start - w.start),
        Math.abs(result.words[i]!.end - w.end),
      ]);
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      expect(mean).toBeLessThan(0.06);
      expect(result.stats.wordsAligned).toBe(truth.words.length);
      expect(result.stats.realTimeFactor).toBeGreaterThan(0);
    },
  );

  it('transcribes a sample without its transcript', async () => {
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const model = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
    const audio = await decoded('quiet-rivers', spec);

    const result = await runAlignJob(
      { audio, text: undefined, source: { path: 'x' }, downloadMs: 0 },
      model,
      SETTINGS,
    );

    expect(result.mode).toBe('transcribe');
    expect(result.words.length).toBeGreaterThan(2);
    expect(result.text).toBe(result.words.map((w) => w.word).join(' '));
  });

  it("puts the decoder's warnings about the audio first in the result's warnings", async () => {
    // Prepare
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const model = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
    const audio = { ...(await decoded('quiet-rivers', spec)), warnings: ['mp3 file may be truncated'] };
    const text = 'Quiet rivers carry heavy stones toward the sea жж';

    // Act
    const result = await runAlignJob({ audio, text, source: { path: 'x' }, downloadMs: 0 }, model, SETTINGS);

    // Assess: the transcript's own warning (a token the model lacks) follows the decoder's.
    expect(result.warnings).toEqual(['mp3 file may be truncated', expect.stringMatching(/skipped .*Ж/)]);
  });

  it('fails with ALIGNMENT_IMPOSSIBLE when the transcript is far longer than the audio', async () => {
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const model = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
    const audio = await decoded('puppy-tail', spec);

    const outcome = runAlignJob(
      { audio, text: 'words '.repeat(200), source: { path: 'x' }, downloadMs: 0 },
      model,
      SETTINGS,
    );

    await expect(outcome).rejects.toMatchObject({ code: 'ALIGNMENT_IMPOSSIBLE' });
  });
});
