/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { join } from 'node:path';
import type { Emissions } from '../../../shared/align/emissions';
import { decodeAudioFile } from '../../../shared/audio/decode-audio';
import { openOnnxModel } from '../../../shared/inference/onnx-acoustic-model';
import { framesForSamples, loadModelSpec } from '../../../shared/model/model-spec';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../../helpers/demo-model';

const SAMPLES = ['harbor-1999', 'well-known-sailor', 'blue-notebook', 'puppy-tail', 'quiet-rivers'];

/** About a minute of speech: the bundled samples, repeated end to end. */
async function minuteOfSpeech(sampleRate: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const name of SAMPLES) {
    const audio = await decodeAudioFile(join(SAMPLES_DIR, `${name}.wav`), {
      targetSampleRate: sampleRate,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });
    parts.push(audio.samples);
  }
  const total = 60 * sampleRate;
  const out = new Float32Array(total);
  for (let offset = 0, i = 0; offset < total; i++) {
    const part = parts[i % parts.length]!;
    out.set(part.subarray(0, Math.min(part.length, total - offset)), offset);
    offset += part.length;
  }
  return out;
}

function argmaxAgreement(a: Emissions, b: Emissions): number {
  let same = 0;
  for (let t = 0; t < a.frames; t++) {
    let bestA = 0;
    let bestB = 0;
    for (let v = 1; v < a.vocab; v++) {
      if (a.data[t * a.vocab + v]! > a.data[t * a.vocab + bestA]!) bestA = v;
      if (b.data[t * b.vocab + v]! > b.data[t * b.vocab + bestB]!) bestB = v;
    }
    if (bestA === bestB) same++;
  }
  return same / a.frames;
}

describe('OnnxAcousticModel', () => {
  it('gives windowed emissions that agree with one unchunked pass on a minute of audio', async () => {
    // Prepare
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const samples = await minuteOfSpeech(spec.sampleRate);
    const windowed = await openOnnxModel(spec, {
      modelPath: spec.onnxPath,
      quantized: false,
      window: { windowSec: 20, contextSec: 2 },
    });
    const whole = await openOnnxModel(spec, {
      modelPath: spec.onnxPath,
      quantized: false,
      window: { windowSec: 120, contextSec: 2 },
    });

    // Act
    const chunked = await windowed.logProbs(samples);
    const unchunked = await whole.logProbs(samples);

    // Assess
    expect(chunked.frames).toBe(framesForSamples(spec.convLayers, samples.length));
    expect(unchunked.frames).toBe(chunked.frames);
    expect(argmaxAgreement(chunked, unchunked)).toBeGreaterThanOrEqual(0.99);
  });

  it('reports progress over the windows of a long file', async () => {
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const model = await openOnnxModel(spec, {
      modelPath: spec.onnxPath,
      quantized: false,
      window: { windowSec: 10, contextSec: 1 },
    });
    const progress: number[] = [];

    await model.logProbs(new Float32Array(spec.sampleRate * 30), (done) => progress.push(done));

    expect(progress.length).toBeGreaterThan(2);
    expect(progress[progress.length - 1]).toBe(framesForSamples(spec.convLayers, spec.sampleRate * 30));
  });

  it('refuses an ONNX file that is not a model with a MODEL error', async () => {
    const spec = await loadModelSpec(DEMO_MODEL_DIR);

    await expect(
      openOnnxModel(spec, { modelPath: join(SAMPLES_DIR, 'harbor-1999.txt'), quantized: false }),
    ).rejects.toMatchObject({ code: 'MODEL' });
  });
});
