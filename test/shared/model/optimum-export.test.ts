/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import { readModelSettings } from '../../../shared/model/model-settings';
import { loadModelSpec } from '../../../shared/model/model-spec';
import type { AlignmentResult } from '../../../shared/output/result';
import { BASE_MODEL_TIMEOUT_MS, baseModelAvailable, baseModelDir } from '../../helpers/base-model';
import { SAMPLES_DIR } from '../../helpers/demo-model';
import { type ExportEdits, writeOptimumExport } from '../../helpers/optimum-export';
import { WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

const describeWithBase = baseModelAvailable() ? describe : describe.skip;

describeWithBase('a model folder laid out as optimum exports wav2vec2-base-960h', () => {
  const folders: string[] = [];
  let baseOnnx: string;

  beforeAll(async () => {
    baseOnnx = join(await baseModelDir(), 'model.onnx');
  }, BASE_MODEL_TIMEOUT_MS);

  afterAll(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  function exportFolder(edits: ExportEdits = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'wav2vec2-base-960h-onnx-'));
    folders.push(dir);
    return writeOptimumExport(dir, baseOnnx, edits);
  }

  it('takes geometry from config.json, audio from preprocessor_config.json and tokens from the tokenizer files', async () => {
    // Prepare
    const dir = exportFolder();

    // Act
    const [spec, settings] = await Promise.all([loadModelSpec(dir), readModelSettings(dir)]);

    // Assess
    expect(spec.convLayers.map(({ kernel, stride }) => [kernel, stride])).toEqual([
      [10, 5],
      [3, 2],
      [3, 2],
      [3, 2],
      [3, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(spec.samplesPerFrame).toBe(320);
    expect(spec.sampleRate).toBe(16000);
    expect(spec.doNormalize).toBe(true);
    expect(spec.vocabulary).toMatchObject({
      size: 32,
      blankId: 0,
      delimiterId: 4,
      unkId: 3,
      letterCase: 'upper',
    });
    expect(spec.name).toBe(basename(dir));
    expect(spec.timingCorrection).toEqual({ startSec: 0, endSec: 0 });
    expect(settings.sources).toMatchObject({
      sampling_rate: 'preprocessor_config.json',
      do_normalize: 'preprocessor_config.json',
      word_delimiter_token: 'tokenizer_config.json',
      pad_token: 'tokenizer_config.json',
      unk_token: 'tokenizer_config.json',
    });
    expect(settings.sideFiles).toEqual([
      'preprocessor_config.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
    ]);
  });

  it.each([true, false])('follows do_normalize %s in preprocessor_config.json', async (doNormalize) => {
    // Prepare
    const dir = exportFolder({ preprocessor: { do_normalize: doNormalize } });

    // Act
    const spec = await loadModelSpec(dir);

    // Assess
    expect(spec.doNormalize).toBe(doNormalize);
  });

  it('finds the blank and the unknown token by name when config.json has no pad_token_id', async () => {
    // Prepare: the tokens of a checkpoint fine-tuned with [PAD] and [UNK], as Hugging Face's CTC recipe names them.
    const { '<pad>': pad, '<unk>': unk, ...rest } = WAV2VEC2_BASE_VOCAB;
    const dir = exportFolder({
      config: { pad_token_id: undefined },
      tokenizer: { pad_token: '[PAD]', unk_token: '[UNK]' },
      specialTokens: { pad_token: '[PAD]', unk_token: '[UNK]' },
      vocab: { ...rest, '[PAD]': pad!, '[UNK]': unk! },
    });

    // Act
    const spec = await loadModelSpec(dir);

    // Assess
    expect(spec.vocabulary.blankId).toBe(pad);
    expect(spec.vocabulary.unkId).toBe(unk);
  });

  it('falls back to special_tokens_map.json, whose tokens may be written as objects', async () => {
    // Prepare
    const { '<pad>': pad, ...rest } = WAV2VEC2_BASE_VOCAB;
    const dir = exportFolder({
      config: { pad_token_id: undefined },
      tokenizer: { pad_token: null },
      specialTokens: { pad_token: { content: '[PAD]', lstrip: true, normalized: false, rstrip: true } },
      vocab: { ...rest, '[PAD]': pad! },
    });

    // Act
    const [spec, settings] = await Promise.all([loadModelSpec(dir), readModelSettings(dir)]);

    // Assess
    expect(spec.vocabulary.blankId).toBe(pad);
    expect(settings.sources.pad_token).toBe('special_tokens_map.json');
  });

  it("lets config.json's own fields take precedence over the side files", async () => {
    // Prepare
    const dir = exportFolder({
      config: { do_normalize: false, sampling_rate: 8000, word_delimiter_token: "'" },
    });

    // Act
    const [spec, settings] = await Promise.all([loadModelSpec(dir), readModelSettings(dir)]);

    // Assess
    expect(spec.doNormalize).toBe(false);
    expect(spec.sampleRate).toBe(8000);
    expect(spec.vocabulary.delimiterId).toBe(WAV2VEC2_BASE_VOCAB["'"]);
    expect(settings.sources).toMatchObject({
      do_normalize: 'config.json',
      sampling_rate: 'config.json',
      word_delimiter_token: 'config.json',
    });
    expect(settings.conflicts.map(({ setting, ignored }) => [setting, ignored.file])).toEqual([
      ['sampling_rate', 'preprocessor_config.json'],
      ['do_normalize', 'preprocessor_config.json'],
      ['word_delimiter_token', 'tokenizer_config.json'],
    ]);
  });

  it('names the side file a bad setting came from', async () => {
    // Prepare
    const dir = exportFolder({ tokenizer: { word_delimiter_token: '<space>' } });

    // Act
    const loading = loadModelSpec(dir);

    // Assess
    await expect(loading).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringContaining('tokenizer_config.json word_delimiter_token is "<space>"'),
    });
  });

  it('runs `w2v2-align align --model DIR` on the folder as exported', async () => {
    // Prepare
    const dir = exportFolder();
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    };

    // Act
    const code = await runCli(
      [
        'align',
        join(SAMPLES_DIR, 'puppy-tail.wav'),
        '--text-file',
        join(SAMPLES_DIR, 'puppy-tail.txt'),
        '--model',
        dir,
      ],
      {},
      io,
    );

    // Assess: random weights say nothing about timing, only that every word went through the whole pipeline.
    expect({ code, stderr: stderr.replace(/^warning: alignment looks wrong.*\n/m, '') }).toEqual({
      code: 0,
      stderr: '',
    });
    const result = JSON.parse(stdout) as AlignmentResult;
    expect(result.model).toMatchObject({ name: basename(dir), backend: 'cpu', frameSec: 0.02 });
    expect(result.words.map(({ word }) => word).join(' ')).toBe(
      readFileSync(join(SAMPLES_DIR, 'puppy-tail.txt'), 'utf8').trim(),
    );
  });
});
