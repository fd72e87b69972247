/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import {
  compareOutputs,
  describeInterface,
  graphInterfaceProblems,
  openGraph,
  runGraph,
} from '../../../shared/model/graph-probe';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';
import { type UnsqueezeGraphShape, unsqueezeGraph } from '../../helpers/unsqueeze-graph';

describe('graph-probe', () => {
  const work = mkdtempSync(join(tmpdir(), 'w2v2-graph-probe-'));
  const sessions: InferenceSession[] = [];

  afterAll(async () => {
    for (const session of sessions) await session.release();
    rmSync(work, { recursive: true, force: true });
  });

  async function open(shape: UnsqueezeGraphShape): Promise<InferenceSession> {
    const path = join(work, `graph-${sessions.length}.onnx`);
    writeFileSync(path, unsqueezeGraph(shape));
    const session = await openGraph(path);
    sessions.push(session);
    return session;
  }

  it('finds nothing wrong with the demo model and runs it', async () => {
    // Prepare
    const session = await openGraph(join(DEMO_MODEL_DIR, 'model.onnx'));
    sessions.push(session);

    // Act
    const problems = graphInterfaceProblems(session);
    const output = await runGraph(session, new Float32Array(16000));

    // Assess
    expect(problems).toEqual([]);
    expect(describeInterface(session)).toBe(
      'input_values float32 [batch, samples] -> logits float32 [batch, frames, 32]',
    );
    expect({ frames: output.frames, vocab: output.vocab, length: output.logits.length }).toEqual({
      frames: 49,
      vocab: 32,
      length: 49 * 32,
    });
  });

  it.each<[string, UnsqueezeGraphShape, string]>([
    [
      'a fixed length axis',
      { input: { name: 'input_values', dims: [1, 16000] } },
      '"input_values" takes exactly 16000 samples; its length axis must be dynamic',
    ],
    [
      'an input the project never feeds',
      { extraInputs: ['attention_mask'] },
      'it also needs [attention_mask], which the project never feeds',
    ],
    [
      'a rank-3 input',
      { input: { name: 'input_values', dims: ['batch', 1, 'samples'] } },
      '"input_values" is float32 [batch, 1, samples]; it must be float32 [batch, samples]',
    ],
    ['another output name', { output: { name: 'scores' } }, 'it gives [scores], not "logits"'],
  ])('names %s as a problem of the interface', async (_case, shape, problem) => {
    // Prepare
    const session = await open(shape);

    // Act
    const problems = graphInterfaceProblems(session);

    // Assess
    expect(problems).toContain(problem);
  });

  it('refuses a file that is not an ONNX model with MODEL', async () => {
    // Prepare
    const path = join(work, 'not-a-model.onnx');
    writeFileSync(path, 'RIFF....WAVE');

    // Act
    const opening = openGraph(path);

    // Assess
    await expect(opening).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringContaining(`cannot load ONNX model ${path}`),
    });
  });

  it('compares two runs as probabilities: share of frames with the same argmax, largest difference', () => {
    // Prepare: frame 0 agrees exactly; frame 1 moves its top token from id 0 to id 1.
    const a = { frames: 2, vocab: 2, logits: Float32Array.from([0, 0, Math.log(3), 0]) };
    const b = { frames: 2, vocab: 2, logits: Float32Array.from([0, 0, 0, Math.log(3)]) };

    // Act
    const agreement = compareOutputs(a, b);

    // Assess
    expect(agreement.argmaxAgreement).toBe(0.5);
    expect(agreement.maxProbabilityDelta).toBeCloseTo(0.5, 6);
  });
});
