/** @jest-environment ./test/helpers/onnxruntime-environment.js */
/*
 * tools/models/import_hf_checkpoint.py on synthetic Hugging Face checkpoints: tiny wav2vec2 CTC models with the
 * real parameter names and config fields of transformers' Wav2Vec2ForCTC, written by
 * support/make_hf_checkpoints.py from a torchaudio model with random weights (see there). The imported graph
 * runs in onnxruntime-node and must give that torchaudio model's logits; the folder must open with the project's
 * loader and CPU backend.
 *
 * It needs Debian's python3 with torch, torchaudio and onnx (python3-torch, python3-torchaudio, python3-onnx in
 * .ci/apt-packages). Locally their absence skips these tests, naming what to install; under CI=true it fails them.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { openCpuModel } from '../../../shared/inference/load-cpu-model';
import { loadModelSpec } from '../../../shared/model/model-spec';
import { DEFAULT_PYTHON } from '../../../tools/models/ensure-base-model';
import { pythonModulesProblem } from '../../helpers/base-model';
import { REPO_ROOT } from '../../helpers/demo-model';

const IMPORTER = join(REPO_ROOT, 'tools', 'models', 'import_hf_checkpoint.py');
const MAKE_CHECKPOINTS = join(__dirname, 'support', 'make_hf_checkpoints.py');
/** float32 ONNX Runtime against float32 torch on the same weights: only summation order differs. */
const MAX_LOGIT_DIFFERENCE = 1e-4;

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a python script to its end in `cwd` (never rejects: the exit code is part of what tests check). */
function runPython(args: readonly string[], cwd: string): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      DEFAULT_PYTHON,
      args,
      { cwd, timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** One input the helper ran through torchaudio: [batch, samples] in, [batch, frames, vocab] out. */
interface ReferenceCase {
  input: number[][];
  logits: number[][][];
}

interface Reference {
  cases: ReferenceCase[];
  /** The CPU backend's expected log-probabilities [frames, vocab] for cases[1]'s signal. */
  logProbs: number[][];
}

/** The largest |ONNX Runtime logit - torchaudio logit| over every reference case, each run as one batch. */
async function maxLogitDifference(modelPath: string, reference: Reference): Promise<number> {
  const session = await InferenceSession.create(modelPath);
  try {
    let worst = 0;
    for (const { input, logits } of reference.cases) {
      const samples = input[0]!.length;
      const feed = new Tensor('float32', Float32Array.from(input.flat()), [input.length, samples]);
      const output = (await session.run({ input_values: feed })).logits!;
      expect(output.dims).toEqual([logits.length, logits[0]!.length, logits[0]![0]!.length]);
      worst = Math.max(worst, maxDifference(output.data as Float32Array, logits.flat(2)));
    }
    return worst;
  } finally {
    await session.release();
  }
}

function maxDifference(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

const problem = pythonModulesProblem(
  ['torch', 'torchaudio', 'onnx'],
  ['python3-torch', 'python3-torchaudio', 'python3-onnx'],
);
const describeWithPython = problem === undefined ? describe : describe.skip;
if (problem !== undefined) console.warn(`import-hf-checkpoint tests skipped: ${problem}`);

describeWithPython('import_hf_checkpoint.py', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'import-hf-checkpoint-'));
    const made = await runPython([MAKE_CHECKPOINTS, join(dir, 'checkpoints')], dir);
    if (made.code !== 0) throw new Error(`make_hf_checkpoints.py failed:\n${made.stderr}`);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const checkpoint = (name: string) => join(dir, 'checkpoints', name);
  const reference = (name: string) =>
    JSON.parse(readFileSync(join(dir, 'checkpoints', `${name}.reference.json`), 'utf8')) as Reference;
  const importCheckpoint = (name: string, out: string) => runPython([IMPORTER, checkpoint(name), out], dir);

  describe.each([
    {
      variant: 'base',
      what: 'a base checkpoint (group-norm front end, post-LN encoder) as pytorch_model.bin',
      doNormalize: false,
      convLayers: [
        { kernel: 10, stride: 5 },
        { kernel: 3, stride: 2 },
        { kernel: 3, stride: 2 },
      ],
      vocabSize: 32,
      delimiter: '|',
    },
    {
      variant: 'large',
      what: 'an XLS-R style checkpoint (layer-norm front end, stable layer norm) as F32/F16/BF16 model.safetensors',
      doNormalize: true,
      convLayers: [
        { kernel: 10, stride: 5 },
        { kernel: 3, stride: 2 },
        { kernel: 2, stride: 2 },
      ],
      vocabSize: 33,
      delimiter: '|',
    },
  ])('$what', ({ variant, doNormalize, convLayers, vocabSize, delimiter }) => {
    let out: string;
    let run: ProcessResult;

    beforeAll(async () => {
      out = join(dir, `${variant}-model`);
      run = await importCheckpoint(variant, out);
    }, 120_000);

    it('imports, exiting 0 with a summary', () => {
      // Assess: stderr rides along so a failure shows the importer's message.
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      expect(run.stdout).toContain(
        `imported ${variant === 'base' ? 'pytorch_model.bin' : 'model.safetensors'}`,
      );
    });

    it('writes a graph whose logits equal torchaudio’s for a batch of two and an odd length', async () => {
      // Act
      const difference = await maxLogitDifference(join(out, 'model.onnx'), reference(variant));

      // Assess
      expect(difference).toBeLessThan(MAX_LOGIT_DIFFERENCE);
    });

    it('writes a folder the project loads, with the settings of config.json and its side files', async () => {
      // Act
      const spec = await loadModelSpec(out);

      // Assess
      expect(readdirSync(out).sort()).toEqual(
        [
          'config.json',
          'model.onnx',
          'preprocessor_config.json',
          'special_tokens_map.json',
          'tokenizer_config.json',
          'vocab.json',
          ...(variant === 'large' ? ['added_tokens.json'] : []),
        ].sort(),
      );
      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({
        sampling_rate: 16000,
        do_normalize: doNormalize,
        conv_kernel: convLayers.map((layer) => layer.kernel),
        conv_stride: convLayers.map((layer) => layer.stride),
        pad_token_id: 0,
        word_delimiter_token: delimiter,
        vocab_size: vocabSize,
      });
      expect({
        sampleRate: spec.sampleRate,
        doNormalize: spec.doNormalize,
        convLayers: spec.convLayers,
        vocabSize: spec.vocabulary.size,
        blank: spec.vocabulary.idToToken[spec.vocabulary.blankId],
        delimiter: spec.vocabulary.idToToken[spec.vocabulary.delimiterId ?? -1],
      }).toEqual({ sampleRate: 16000, doNormalize, convLayers, vocabSize, blank: '<pad>', delimiter });
    });

    it('runs on the project’s CPU backend, giving torchaudio’s log-probabilities', async () => {
      // Prepare
      const spec = await loadModelSpec(out);
      const model = await openCpuModel(spec, false);
      const expected = reference(variant).logProbs;
      const signal = Float32Array.from(reference(variant).cases[1]!.input[0]!);

      // Act
      const emissions = await model.logProbs(signal);

      // Assess
      expect({ frames: emissions.frames, vocab: emissions.vocab }).toEqual({
        frames: expected.length,
        vocab: vocabSize,
      });
      expect(maxDifference(emissions.data, expected.flat())).toBeLessThan(MAX_LOGIT_DIFFERENCE);
    });
  });

  it('imports a checkpoint sharded over two safetensors files by model.safetensors.index.json', async () => {
    // Prepare
    const out = join(dir, 'sharded-model');

    // Act
    const run = await importCheckpoint('base-sharded', out);

    // Assess
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('imported model.safetensors.index.json');
    const difference = await maxLogitDifference(join(out, 'model.onnx'), reference('base'));
    expect(difference).toBeLessThan(MAX_LOGIT_DIFFERENCE);
  });

  it('refuses a tensor Wav2Vec2ForCTC does not have, naming it, and writes nothing', async () => {
    // Prepare
    const out = join(dir, 'unknown-model');

    // Act
    const run = await importCheckpoint('unknown-tensor', out);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^import_hf_checkpoint: unexpected tensors "quantizer\.weight_proj\.weight"/);
    expect(() => statSync(out)).toThrow();
  });

  it('refuses a checkpoint missing a tensor, naming it', async () => {
    // Act
    const run = await importCheckpoint('missing-tensor', join(dir, 'missing-model'));

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing tensors "wav2vec2.encoder.layers.1.final_layer_norm.bias"');
  });

  it('refuses a truncated model.safetensors, naming the tensor cut off', async () => {
    // Prepare
    const truncated = checkpoint('truncated');
    mkdirSync(truncated);
    for (const file of readdirSync(checkpoint('large'))) {
      copyFileSync(join(checkpoint('large'), file), join(truncated, file));
    }
    const weights = join(truncated, 'model.safetensors');
    truncateSync(weights, statSync(weights).size - 100);

    // Act
    const run = await importCheckpoint('truncated', join(dir, 'truncated-model'));

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /model\.safetensors: tensor "[^"]+" ends at byte \d+ .* the file is truncated/,
    );
  });

  it('refuses to write into a folder that already holds files', async () => {
    // Prepare
    const out = join(dir, 'occupied-model');
    mkdirSync(out);
    copyFileSync(join(checkpoint('base'), 'vocab.json'), join(out, 'model.int8.onnx'));

    // Act
    const run = await importCheckpoint('base', out);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already exists and is not an empty folder');
    expect(readdirSync(out)).toEqual(['model.int8.onnx']);
  });
});
