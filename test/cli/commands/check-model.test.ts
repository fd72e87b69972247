/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import {
  CHECK_IDS,
  type CheckId,
  type CheckStatus,
  type ModelCheckReport,
} from '../../../shared/model/model-check/check-result';
import { INT8_VARIANTS } from '../../../shared/model/quantize/int8-variant';
import { quantizeModel } from '../../../shared/model/quantize/quantize-dynamic';
import { BASE_MODEL_TIMEOUT_MS, baseModelAvailable, baseModelDir } from '../../helpers/base-model';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';
import { writeOptimumExport } from '../../helpers/optimum-export';
import { unsqueezeGraph } from '../../helpers/unsqueeze-graph';
import { WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

const folders: string[] = [];

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-check-model-'));
  folders.push(dir);
  return dir;
}

/** A copy of the demo model (its graph linked), with `config` merged into its config.json. */
function demoCopy(config: Record<string, unknown> = {}): string {
  const dir = tempFolder();
  symlinkSync(join(DEMO_MODEL_DIR, 'model.onnx'), join(dir, 'model.onnx'));
  copyFileSync(join(DEMO_MODEL_DIR, 'vocab.json'), join(dir, 'vocab.json'));
  const demoConfig = JSON.parse(readFileSync(join(DEMO_MODEL_DIR, 'config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...demoConfig, ...config }));
  return dir;
}

async function checkModel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    ['check-model', ...args],
    {},
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stdout, stderr };
}

async function jsonReport(dir: string): Promise<{ code: number; report: ModelCheckReport; stderr: string }> {
  const { code, stdout, stderr } = await checkModel([dir, '--json']);
  return { code, report: JSON.parse(stdout) as ModelCheckReport, stderr };
}

function statuses(report: ModelCheckReport): Record<CheckId, CheckStatus> {
  return Object.fromEntries(report.checks.map(({ check, status }) => [check, status])) as Record<
    CheckId,
    CheckStatus
  >;
}

function check(report: ModelCheckReport, id: CheckId) {
  const found = report.checks.find((result) => result.check === id);
  if (found === undefined) throw new Error(`no ${id} check in the report`);
  return found;
}

const ALL_OK = Object.fromEntries(CHECK_IDS.map((id) => [id, 'ok'])) as Record<CheckId, CheckStatus>;

describe('w2v2-align check-model', () => {
  it('finds nothing to fix in the demo model and exits 0', async () => {
    // Act
    const { code, stdout, stderr } = await checkModel([DEMO_MODEL_DIR]);

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n')[0]).toBe(`model directory ${DEMO_MODEL_DIR}`);
    for (const id of CHECK_IDS) expect(stdout).toMatch(new RegExp(`^ok {8}${id}: `, 'm'));
    expect(stdout).toContain('frame-count: 1 s: 49 frames, the geometry predicts 49');
    expect(stdout).toMatch(/\n9 ok, 0 warnings, 0 problems: usable as --model DIR and as MODEL_DIR\n$/);
  });

  it('prints a stable JSON report with --json: every check in order, and where each setting came from', async () => {
    // Act
    const { code, report } = await jsonReport(DEMO_MODEL_DIR);

    // Assess
    expect(code).toBe(0);
    expect(Object.keys(report)).toEqual(['dir', 'usable', 'counts', 'settings', 'checks']);
    expect(report.checks.map(({ check }) => check)).toEqual([...CHECK_IDS]);
    expect(report).toMatchObject({
      dir: DEMO_MODEL_DIR,
      usable: true,
      counts: { ok: 9, warning: 0, problem: 0, skipped: 0 },
    });
    expect(report.settings).toContainEqual({
      setting: 'timing_correction',
      value: { startSec: 0, endSec: 0.052 },
      file: 'config.json',
      field: 'timing_correction',
    });
    expect(report.settings).toContainEqual({
      setting: 'unknown_token',
      value: '<unk>',
      file: null,
      field: null,
    });
  });

  it('skips every check that needs a file of an empty folder', async () => {
    // Act
    const { code, report } = await jsonReport(tempFolder());

    // Assess
    expect(code).toBe(1);
    expect(report.counts).toEqual({ ok: 0, warning: 0, problem: 1, skipped: 8 });
    expect(check(report, 'files')).toMatchObject({
      found: expect.arrayContaining(['missing: model.onnx, config.json, vocab.json']),
      fix: expect.stringMatching(/^copy model\.onnx, config\.json and vocab\.json from the export into /),
    });
  });

  it('says which files are missing, skips what needs them and fails with MODEL (exit 1)', async () => {
    // Prepare
    const dir = demoCopy();
    unlinkSync(join(dir, 'vocab.json'));

    // Act
    const { code, report, stderr } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe(`error MODEL: 1 check found a problem in model directory "${dir}"\n`);
    expect(statuses(report)).toMatchObject({
      files: 'problem',
      settings: 'skipped',
      graph: 'ok',
      probe: 'skipped',
      'logits-width': 'skipped',
      text: 'skipped',
    });
    expect(check(report, 'files')).toMatchObject({
      code: 'MODEL',
      found: expect.arrayContaining(['missing: vocab.json']),
      fix: expect.stringContaining('copy vocab.json from the export'),
    });
  });

  it('finds a vocab.json wider than the logits by running the graph', async () => {
    // Prepare
    const dir = demoCopy({ vocab_size: 33 });
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ ...WAV2VEC2_BASE_VOCAB, '@': 32 }));

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ ...ALL_OK, 'logits-width': 'problem' });
    expect(check(report, 'logits-width').found).toEqual(['logits are 32 wide; vocab.json has 33 tokens']);
  });

  it('names the inputs of a graph that does not take input_values, and skips the probe', async () => {
    // Prepare
    const dir = demoCopy();
    unlinkSync(join(dir, 'model.onnx'));
    writeFileSync(
      join(dir, 'model.onnx'),
      unsqueezeGraph({ input: { name: 'audio', dims: ['batch', 'samples'] } }),
    );

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(statuses(report)).toMatchObject({ graph: 'problem', probe: 'skipped', 'frame-count': 'skipped' });
    expect(check(report, 'graph').found).toEqual([
      'model.onnx: audio float32 [batch, samples] -> logits float32 [batch, samples, 1]',
      'it takes [audio], not "input_values"',
    ]);
  });

  it.each([
    [
      'a wrong stride',
      { conv_stride: [5, 2, 2, 2, 2, 2, 3] },
      '1 s: 49 frames, the geometry predicts 33',
      'the graph moves about 320 samples a frame; the settings say 480',
    ],
    [
      'a stride without the kernels',
      { conv_kernel: undefined, conv_stride: undefined },
      '1 s: 49 frames, the geometry predicts 50',
      'the graph moves about 320 samples a frame; the settings say 320',
    ],
  ])('finds %s in config.json from the frames the probe gives', async (_case, config, frames, stride) => {
    // Prepare
    const dir = demoCopy(config);

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ ...ALL_OK, 'frame-count': 'problem' });
    expect(check(report, 'frame-count')).toMatchObject({
      found: expect.arrayContaining([frames, stride]),
      fix: expect.stringContaining('conv_kernel and conv_stride'),
    });
  });

  it('shows the message of a config.json that does not load', async () => {
    // Prepare
    const dir = demoCopy({ conv_stride: [5, 2, 2, 2, 2, 2] });

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(check(report, 'settings')).toMatchObject({
      status: 'problem',
      found: ['config.json conv_kernel has 7 entries but conv_stride has 6; they must match'],
    });
    expect(report.settings).toEqual([]);
  });

  it.each([
    [{ start_sec: 0.5, end_sec: 0 }, 'start_sec at or beyond ±0.2 s'],
    [{ start_sec: 0, end_sec: -0.2 }, 'end_sec at or beyond ±0.2 s'],
  ])(
    'warns of a timing correction %j out of the plausible range, and exits 0',
    async (correction, beyond) => {
      // Prepare
      const dir = demoCopy({ timing_correction: correction });

      // Act
      const { code, report } = await jsonReport(dir);

      // Assess
      expect(code).toBe(0);
      expect(statuses(report)).toEqual({ ...ALL_OK, 'timing-correction': 'warning' });
      expect(check(report, 'timing-correction').found[0]).toContain(beyond);
    },
  );

  it('compares a shipped model.int8.onnx with model.onnx on the probe', async () => {
    // Prepare
    const dir = demoCopy();
    const fp32 = readFileSync(join(DEMO_MODEL_DIR, 'model.onnx'));
    writeFileSync(join(dir, 'model.int8.onnx'), quantizeModel(new Uint8Array(fp32)).model);

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(0);
    expect(statuses(report)).toEqual(ALL_OK);
    expect(check(report, 'int8').found[0]).toMatch(
      /^model\.int8\.onnx picks model\.onnx's most likely token in (9\d|100)\.\d% of 123 probe frames; largest probability difference 0\.0\d\d$/,
    );
  });

  it('compares both shipped int8 variants with model.onnx, and a dot-product graph of another shape is a problem', async () => {
    // Prepare
    const dir = demoCopy();
    const fp32 = new Uint8Array(readFileSync(join(DEMO_MODEL_DIR, 'model.onnx')));
    writeFileSync(join(dir, 'model.int8.onnx'), quantizeModel(fp32).model);
    writeFileSync(
      join(dir, 'model.int8-dot.onnx'),
      quantizeModel(fp32, INT8_VARIANTS['dot-product'].options).model,
    );
    const broken = demoCopy();
    writeFileSync(join(broken, 'model.int8-dot.onnx'), unsqueezeGraph());

    // Act
    const both = await jsonReport(dir);
    const wrong = await jsonReport(broken);

    // Assess
    expect(both.code).toBe(0);
    expect(check(both.report, 'files').found[0]).toContain('model.int8-dot.onnx');
    expect(check(both.report, 'int8')).toMatchObject({ status: 'ok' });
    expect(check(both.report, 'int8').found.map((line) => line.split(' ')[0])).toEqual([
      'model.int8.onnx',
      'model.int8-dot.onnx',
    ]);
    expect(wrong.code).toBe(1);
    expect(check(wrong.report, 'int8')).toMatchObject({
      status: 'problem',
      found: ['model.int8-dot.onnx gives 16000 frames × 1 where model.onnx gives 49 × 32'],
    });
  });

  it('refuses a model.int8.onnx whose logits have another shape than model.onnx', async () => {
    // Prepare
    const dir = demoCopy();
    writeFileSync(join(dir, 'model.int8.onnx'), unsqueezeGraph());

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(1);
    expect(check(report, 'int8')).toMatchObject({
      status: 'problem',
      found: ['model.int8.onnx gives 16000 frames × 1 where model.onnx gives 49 × 32'],
    });
  });

  it('checks the int8 graph of a folder that ships only model.int8.onnx, and warns that Triton cannot serve it', async () => {
    // Prepare
    const dir = demoCopy();
    unlinkSync(join(dir, 'model.onnx'));
    const fp32 = readFileSync(join(DEMO_MODEL_DIR, 'model.onnx'));
    writeFileSync(join(dir, 'model.int8.onnx'), quantizeModel(new Uint8Array(fp32)).model);

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(0);
    expect(statuses(report)).toEqual({ ...ALL_OK, files: 'warning' });
    expect(check(report, 'graph').found[0]).toMatch(/^model\.int8\.onnx: input_values float32/);
    expect(check(report, 'files').fix).toContain('add the fp32 export as model.onnx');
  });

  it('takes one model directory: anything else is a usage error (exit 2)', async () => {
    // Prepare
    const file = join(tempFolder(), 'config.json');
    writeFileSync(file, '{}');

    // Act
    const none = await checkModel([]);
    const two = await checkModel([DEMO_MODEL_DIR, DEMO_MODEL_DIR]);
    const notFolder = await checkModel([file]);

    // Assess
    expect(none.code).toBe(2);
    expect(two.code).toBe(2);
    expect(notFolder.code).toBe(2);
    expect(notFolder.stderr).toMatch(
      /^error INVALID_INPUT: ".*config\.json" is not a folder: give a model directory\n/,
    );
    expect(none.stderr).toMatch(/^error INVALID_INPUT: check-model takes exactly one model directory/);
    expect(none.stderr).toContain('usage: w2v2-align check-model <modelDir> [--json]');
  });
});

const describeWithBase = baseModelAvailable() ? describe : describe.skip;

describeWithBase('w2v2-align check-model on wav2vec2-base (random weights)', () => {
  let baseOnnx: string;

  beforeAll(async () => {
    baseOnnx = join(await baseModelDir(), 'model.onnx');
  }, BASE_MODEL_TIMEOUT_MS);

  it('accepts the folder optimum exports as it is, saying where each setting came from', async () => {
    // Prepare
    const dir = writeOptimumExport(tempFolder(), baseOnnx);

    // Act
    const { code, stdout } = await checkModel([dir]);
    const { report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(0);
    expect(statuses(report)).toEqual({ ...ALL_OK, 'timing-correction': 'warning' });
    expect(stdout).toContain(
      'Hugging Face side files: preprocessor_config.json, tokenizer_config.json, special_tokens_map.json',
    );
    expect(report.settings.map(({ setting, file, field }) => [setting, file, field])).toEqual([
      ['sampling_rate', 'preprocessor_config.json', 'sampling_rate'],
      ['do_normalize', 'preprocessor_config.json', 'do_normalize'],
      ['frame_geometry', 'config.json', 'conv_kernel, conv_stride'],
      ['blank', 'config.json', 'pad_token_id'],
      ['word_delimiter', 'tokenizer_config.json', 'word_delimiter_token'],
      ['unknown_token', 'tokenizer_config.json', 'unk_token'],
      ['timing_correction', null, null],
    ]);
  });

  it("warns of a config.json setting that overrides a side file's different value", async () => {
    // Prepare
    const dir = writeOptimumExport(tempFolder(), baseOnnx, { config: { do_normalize: false } });

    // Act
    const { report } = await jsonReport(dir);

    // Assess
    expect(check(report, 'settings')).toMatchObject({
      status: 'warning',
      found: expect.arrayContaining([
        'config.json do_normalize false is used; preprocessor_config.json says true',
      ]),
    });
  });

  it('warns of a model.int8.onnx that is not a copy of model.onnx', async () => {
    // Prepare: another model of the same interface and geometry in place of the int8 copy.
    const dir = demoCopy();
    symlinkSync(baseOnnx, join(dir, 'model.int8.onnx'));

    // Act
    const { code, report } = await jsonReport(dir);

    // Assess
    expect(code).toBe(0);
    expect(check(report, 'int8')).toMatchObject({
      status: 'warning',
      found: expect.arrayContaining([
        'expected at least 90% and at most 0.1: is it a copy of this model.onnx?',
      ]),
    });
  });
});
