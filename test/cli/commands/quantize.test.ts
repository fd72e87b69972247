/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { quantizeCommand } from '../../../cli/commands/quantize';
import { AlignError, InvalidInputError } from '../../../shared/errors';
import { INT8_VARIANTS } from '../../../shared/model/quantize/int8-variant';
import type { QuantizeReport } from '../../../shared/model/quantize/quantize-dynamic';
import { buildConvModel, buildTinyModel } from '../../shared/model/quantize/tiny-model';

const workspaces: string[] = [];

function workspace(): { input: string; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-quantize-'));
  workspaces.push(dir);
  const input = join(dir, 'model.onnx');
  writeFileSync(input, buildTinyModel().bytes);
  return { input, output: join(dir, 'model.int8.onnx') };
}

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  await quantizeCommand.run(
    args,
    {},
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { stdout, stderr };
}

describe('w2v2-align quantize', () => {
  afterAll(() => {
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  });

  it('writes an int8 model that onnxruntime-node loads and summarises what it rewrote', async () => {
    // Prepare
    const { input, output } = workspace();

    // Act
    const { stdout } = await run([input, output, '--min-columns', '1']);

    // Assess
    expect(stdout).toContain('rewritten: 2 MatMul, 1 Gemm, 0 Conv');
    expect(stdout).toMatch(/1 × weight is the first input/);
    const session = await InferenceSession.create(readFileSync(output));
    expect(session.outputNames).toEqual(['y', 'shared', 'left', 'conv']);
    await session.release();
  });

  it('prints the report as JSON with --json', async () => {
    // Prepare
    const { input, output } = workspace();

    // Act
    const { stdout } = await run([
      input,
      output,
      '--json',
      '--activations',
      'per-tensor',
      '--form',
      'integer',
    ]);

    // Assess
    const report = JSON.parse(stdout) as QuantizeReport;
    expect(report.activations).toBe('per-tensor');
    expect(report.form).toBe('integer');
    expect(report.bytesAfter).toBe(readFileSync(output).length);
  });

  it('applies a variant with --variant: dot-product also rewrites convolutions, and a misspelt one is refused', async () => {
    // Prepare
    const { input, output } = workspace();
    writeFileSync(input, buildConvModel());
    const report = async (variant: string) =>
      JSON.parse(
        (await run([input, output, '--json', '--min-columns', '1', '--variant', variant])).stdout,
      ) as QuantizeReport;

    // Act
    const portable = await report('portable');
    const dot = await report('dot-product');

    // Assess
    expect(portable.rewritten.conv).toBe(0);
    expect(dot.rewritten.conv).toBe(4);
    await expect(run([input, output, '--variant', 'vnni'])).rejects.toThrow(
      /--variant must be one of portable, dot-product, got "vnni"/,
    );
  });

  it('takes every option a variant sets, each overridden by a flag given', async () => {
    // Prepare
    const { input, output } = workspace();
    writeFileSync(input, buildConvModel());
    const dot = INT8_VARIANTS['dot-product'];
    // A variant that also sets the activation scales, which no flag default may then replace.
    const replaced = jest.replaceProperty(dot, 'options', { ...dot.options, activations: 'per-tensor' });
    const report = async (...flags: string[]) =>
      JSON.parse(
        (await run([input, output, '--json', '--min-columns', '1', '--variant', 'dot-product', ...flags]))
          .stdout,
      ) as QuantizeReport;

    // Act
    let asVariant: QuantizeReport;
    let overridden: QuantizeReport;
    try {
      asVariant = await report();
      overridden = await report('--activations', 'per-row');
    } finally {
      replaced.restore();
    }

    // Assess
    expect(asVariant).toMatchObject({ activations: 'per-tensor', rewritten: { conv: 4 } });
    expect(overridden).toMatchObject({ activations: 'per-row', rewritten: { conv: 4 } });
  });

  it('fails with a MODEL error and writes nothing when the input is not an ONNX model', async () => {
    // Prepare
    const { input, output } = workspace();
    writeFileSync(input, 'RIFF....WAVEfmt not a model');

    // Act
    const attempt = run([input, output]);

    // Assess
    await expect(attempt).rejects.toThrow(AlignError);
    await expect(attempt).rejects.toMatchObject({ code: 'MODEL' });
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    ['one file only', (w: { input: string }) => [w.input]],
    ['an unknown form', (w: { input: string; output: string }) => [w.input, w.output, '--form', 'fast']],
    [
      'a negative column threshold',
      (w: { input: string; output: string }) => [w.input, w.output, '--min-columns', '-1'],
    ],
    ['a missing input file', (w: { output: string }) => [`${w.output}.missing`, w.output]],
  ])('rejects %s as a usage error', async (_label, args) => {
    // Prepare
    const files = workspace();

    // Act
    const attempt = run(args(files));

    // Assess
    await expect(attempt).rejects.toThrow(InvalidInputError);
  });
});
