import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIDE_FILES } from '../../shared/model/model-settings';
import { loadModelSpec } from '../../shared/model/model-spec';
import { DEMO_MODEL_DIR } from '../helpers/demo-model';
import { writeOptimumExport } from '../helpers/optimum-export';
import { runNode } from '../helpers/run-node';

const SCRIPT = join(__dirname, '..', '..', 'tools', 'stage-model-files.mjs');

function stage(modelDir: string, modelOut: string): Promise<string> {
  return runNode(
    'import(process.env.SCRIPT).then((m) => {' +
      '  m.stageModelFiles(process.env.MODEL_DIR, process.env.MODEL_OUT);' +
      '  process.stdout.write(JSON.stringify(m.MODEL_SIDE_FILES));' +
      '});',
    '',
    { cwd: tmpdir(), env: { PATH: process.env.PATH, SCRIPT, MODEL_DIR: modelDir, MODEL_OUT: modelOut } },
  );
}

describe('stage-model-files (the CPU image model folder)', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'stage-model-'));
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('carries the side files of an optimum export, so the image loads the settings --model DIR loads', async () => {
    // Prepare
    const source = join(work, 'wav2vec2-base-960h');
    mkdirSync(source);
    writeOptimumExport(source, join(DEMO_MODEL_DIR, 'model.onnx'), {
      preprocessor: { do_normalize: false },
      tokenizer: { word_delimiter_token: "'" },
    });
    const image = join(work, 'image-model');
    // The image ships the int8 graph only; its content does not matter to the settings.
    mkdirSync(image);
    writeFileSync(join(image, 'model.int8.onnx'), 'staged by build-lambda.mjs');

    // Act
    const sideFiles = JSON.parse(await stage(source, image)) as string[];
    const [local, staged] = await Promise.all([loadModelSpec(source), loadModelSpec(image)]);

    // Assess
    expect(sideFiles).toEqual([...SIDE_FILES]);
    expect(readdirSync(image).sort()).toEqual([
      'config.json',
      'model.int8.onnx',
      'preprocessor_config.json',
      'special_tokens_map.json',
      'tokenizer_config.json',
      'vocab.json',
    ]);
    expect(staged.doNormalize).toBe(false);
    expect({ ...staged, dir: '', onnxPath: '', int8Path: '' }).toEqual({
      ...local,
      dir: '',
      onnxPath: '',
      int8Path: '',
    });
    expect(JSON.parse(readFileSync(join(image, 'config.json'), 'utf8')).name).toBe('wav2vec2-base-960h');
  });

  it('removes the side files a model staged before left, when the next model has none', async () => {
    // Prepare
    const optimum = join(work, 'optimum');
    mkdirSync(optimum);
    writeOptimumExport(optimum, join(DEMO_MODEL_DIR, 'model.onnx'), {
      preprocessor: { do_normalize: false },
    });
    const image = join(work, 'image-model');
    await stage(optimum, image);

    // Act
    await stage(DEMO_MODEL_DIR, image);

    // Assess
    expect(readdirSync(image).sort()).toEqual(['config.json', 'vocab.json']);
    writeFileSync(join(image, 'model.int8.onnx'), 'staged by build-lambda.mjs');
    expect((await loadModelSpec(image)).doNormalize).toBe(true);
  });
});
