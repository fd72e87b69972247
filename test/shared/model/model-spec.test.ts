import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framesForSamples, loadModelSpec, samplesForFrames } from '../../../shared/model/model-spec';
import { WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

const WAV2VEC2_CONV = {
  conv_kernel: [10, 3, 3, 3, 3, 2, 2],
  conv_stride: [5, 2, 2, 2, 2, 2, 2],
};

function modelDir(
  config: Record<string, unknown>,
  files: { onnx?: boolean; int8?: boolean } = { onnx: true },
): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-model-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(WAV2VEC2_BASE_VOCAB));
  if (files.onnx === true) writeFileSync(join(dir, 'model.onnx'), 'not read here');
  if (files.int8 === true) writeFileSync(join(dir, 'model.int8.onnx'), 'not read here');
  return dir;
}

describe('loadModelSpec', () => {
  it('derives the 20 ms frame stride from the conv geometry of a Hugging Face wav2vec2 config', async () => {
    // Prepare
    const dir = modelDir({
      ...WAV2VEC2_CONV,
      sampling_rate: 16000,
      do_normalize: true,
      pad_token_id: 0,
      word_delimiter_token: '|',
    });

    // Act
    const spec = await loadModelSpec(dir);

    // Assess
    expect(spec.samplesPerFrame).toBe(320);
    expect(spec.frameSec).toBeCloseTo(0.02, 12);
    expect(spec.doNormalize).toBe(true);
    expect(spec.vocabulary.blankId).toBe(0);
    expect(spec.vocabulary.delimiterId).toBe(4);
    expect(spec.int8Path).toBeUndefined();
    expect(spec.timingCorrection).toEqual({ startSec: 0, endSec: 0 });
  });

  it('reads the timing correction and finds a pre-quantized copy', async () => {
    const dir = modelDir(
      { ...WAV2VEC2_CONV, timing_correction: { start_sec: -0.03, end_sec: 0.01 }, name: 'demo' },
      { onnx: true, int8: true },
    );

    const spec = await loadModelSpec(dir);

    expect(spec.timingCorrection).toEqual({ startSec: -0.03, endSec: 0.01 });
    expect(spec.int8Path).toBe(join(dir, 'model.int8.onnx'));
    expect(spec.name).toBe('demo');
  });

  it('accepts an explicit frame stride instead of conv lists', async () => {
    const spec = await loadModelSpec(modelDir({ inputs_to_logits_ratio: 320, sampling_rate: 16000 }));

    expect(spec.samplesPerFrame).toBe(320);
  });

  it.each([
    [{ conv_kernel: [10, 3], conv_stride: [5] }, 'conv_kernel has 2 entries but conv_stride has 1'],
    [{ ...WAV2VEC2_CONV, sampling_rate: -5 }, 'sampling_rate must be a positive integer'],
    [{ ...WAV2VEC2_CONV, vocab_size: 40 }, 'vocab_size 40 but vocab.json has 32'],
    [{ ...WAV2VEC2_CONV, timing_correction: { start_sec: 'soon' } }, 'timing_correction.start_sec'],
    [{ sampling_rate: 16000 }, 'needs conv_kernel and conv_stride'],
  ])('refuses a bad config %j with a MODEL error', async (config, message) => {
    await expect(loadModelSpec(modelDir(config))).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringContaining(message),
    });
  });

  it('refuses a directory without a model file', async () => {
    await expect(loadModelSpec(modelDir(WAV2VEC2_CONV, {}))).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringContaining('neither model.onnx nor model.int8.onnx'),
    });
  });
});

describe('framesForSamples', () => {
  const layers = WAV2VEC2_CONV.conv_kernel.map((kernel, i) => ({
    kernel,
    stride: WAV2VEC2_CONV.conv_stride[i]!,
  }));

  it('matches wav2vec2: 49 frames per second, none below the 400-sample receptive field', () => {
    expect(framesForSamples(layers, 16000)).toBe(49);
    expect(framesForSamples(layers, 399)).toBe(0);
    expect(framesForSamples(layers, 400)).toBe(1);
    expect(framesForSamples(layers, 720)).toBe(2);
  });

  it('inverts to the samples the last frame needs', () => {
    for (const frames of [1, 2, 49, 1500]) {
      const samples = samplesForFrames(layers, frames);
      expect(framesForSamples(layers, samples)).toBe(frames);
      expect(framesForSamples(layers, samples - 1)).toBe(frames - 1);
    }
  });
});
