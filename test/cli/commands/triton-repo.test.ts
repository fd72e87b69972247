/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { runCli } from '../../../cli/run-cli';
import { runCliProcess } from '../../helpers/cli-process';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';
import { type PbMessage, parsePbtxt } from '../../helpers/pbtxt';
import { bareOnnxRuntimeStderr, unwritableHome } from '../../helpers/unwritable-home';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

async function tritonRepo(...options: string[]): Promise<{ code: number; out: string; stderr: string }> {
  const out = mkdtempSync(join(tmpdir(), 'triton-repo-'));
  const io = { stdout: sink(), stderr: sink() };
  const code = await runCli(['triton-repo', DEMO_MODEL_DIR, out, ...options], {}, io);
  return { code, out, stderr: io.stderr.text };
}

const only = (message: PbMessage, field: string): PbMessage => message[field]![0] as PbMessage;

describe('w2v2-align triton-repo', () => {
  it('writes a config.pbtxt that matches the ONNX graph, and the model beside it', async () => {
    // Prepare
    const session = await InferenceSession.create(join(DEMO_MODEL_DIR, 'model.onnx'));
    const [logits] = session.outputMetadata;
    const vocab = logits?.isTensor ? logits.shape[2] : undefined;
    await session.release();

    // Act
    const { code, out } = await tritonRepo('--name', 'w2v2', '--max-batch-size', '16', '--instances', '2');

    // Assess
    expect(code).toBe(0);
    const config = parsePbtxt(readFileSync(join(out, 'w2v2', 'config.pbtxt'), 'utf8'));
    expect(config.name).toEqual(['w2v2']);
    expect(config.platform).toEqual(['onnxruntime_onnx']);
    expect(config.max_batch_size).toEqual([16]);
    expect(config.input).toEqual([{ name: [session.inputNames[0]], data_type: ['TYPE_FP32'], dims: [-1] }]);
    expect(config.output).toEqual([{ name: ['logits'], data_type: ['TYPE_FP32'], dims: [-1, vocab] }]);
    expect(only(config, 'dynamic_batching').max_queue_delay_microseconds).toEqual([100]);
    expect(config.instance_group).toEqual([{ kind: ['KIND_GPU'], count: [2] }]);
    expect(config.optimization).toBeUndefined();
    expect(
      readFileSync(join(out, 'w2v2', '1', 'model.onnx')).equals(
        readFileSync(join(DEMO_MODEL_DIR, 'model.onnx')),
      ),
    ).toBe(true);
  });

  it('adds the TensorRT accelerator in FP16 precision for --fp16', async () => {
    // Act
    const { code, out } = await tritonRepo('--fp16', '--name', 'w2v2-fp16');

    // Assess
    expect(code).toBe(0);
    const config = parsePbtxt(readFileSync(join(out, 'w2v2-fp16', 'config.pbtxt'), 'utf8'));
    const accelerators = only(
      only(config, 'optimization'),
      'execution_accelerators',
    ).gpu_execution_accelerator;
    expect(accelerators).toHaveLength(1);
    const tensorrt = accelerators![0] as PbMessage;
    expect(tensorrt.name).toEqual(['tensorrt']);
    expect(tensorrt.parameters).toContainEqual({ key: ['precision_mode'], value: ['FP16'] });
  });

  it('refuses a model name that cannot be a directory', async () => {
    // Act
    const { code, stderr } = await tritonRepo('--name', '../escape');

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/--name must be letters, digits/);
  });

  it("keeps onnxruntime's warnings off stderr under an unwritable HOME, where a bare session prints them", async () => {
    // Prepare
    const home = unwritableHome();
    const bare = await bareOnnxRuntimeStderr(home);
    const out = mkdtempSync(join(tmpdir(), 'triton-repo-'));

    // Act
    const run = await runCliProcess(
      ['triton-repo', DEMO_MODEL_DIR, out],
      { HOME: home },
      {
        killAfterMs: 30_000,
        maxRssBytes: 1024 ** 3,
      },
    );

    // Assess
    expect(bare).toMatch(/W:onnxruntime/);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
