import { copyFileSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModelFile } from '../../../shared/model/model-file';
import { loadModelSpec } from '../../../shared/model/model-spec';
import { INT8_VARIANTS } from '../../../shared/model/quantize/int8-variant';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';

function copyOfDemoModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-model-file-'));
  for (const file of ['model.onnx', 'vocab.json', 'config.json'])
    copyFileSync(join(DEMO_MODEL_DIR, file), join(dir, file));
  return dir;
}

describe('resolveModelFile', () => {
  it('runs the fp32 graph when quantization is off', async () => {
    const spec = await loadModelSpec(DEMO_MODEL_DIR);

    await expect(resolveModelFile(spec, { quantize: false, cacheDir: tmpdir() })).resolves.toEqual({
      path: spec.onnxPath,
      quantized: false,
    });
  });

  it('quantizes once, reuses the cached copy, and quantizes again when the fp32 file changes', async () => {
    // Prepare
    const spec = await loadModelSpec(copyOfDemoModel());
    const cacheDir = mkdtempSync(join(tmpdir(), 'w2v2-cache-'));

    // Act
    const first = await resolveModelFile(spec, { quantize: true, cacheDir });
    const writtenAt = statSync(first.path).mtimeMs;
    const second = await resolveModelFile(spec, { quantize: true, cacheDir });
    const later = new Date(Date.now() + 60_000);
    utimesSync(spec.onnxPath, later, later);
    const third = await resolveModelFile(spec, { quantize: true, cacheDir });

    // Assess
    expect(first.quantized).toBe(true);
    expect(readFileSync(first.path).length).toBeGreaterThan(0);
    expect(second.path).toBe(first.path);
    expect(statSync(second.path).mtimeMs).toBe(writtenAt);
    expect(third.path).not.toBe(first.path);
  });

  it('quantizes each variant into its own cached copy, 8-bit weights and int8 convolutions for dot products', async () => {
    // Prepare
    const spec = await loadModelSpec(copyOfDemoModel());
    const cacheDir = mkdtempSync(join(tmpdir(), 'w2v2-cache-'));

    // Act
    const portable = await resolveModelFile(spec, {
      quantize: true,
      cacheDir,
      variant: INT8_VARIANTS.portable,
    });
    const dot = await resolveModelFile(spec, {
      quantize: true,
      cacheDir,
      variant: INT8_VARIANTS['dot-product'],
    });

    // Assess
    expect(portable).toMatchObject({ quantized: true, variant: 'portable' });
    expect(dot).toMatchObject({ quantized: true, variant: 'dot-product' });
    expect(dot.path).not.toBe(portable.path);
    const convs = (path: string) =>
      (
        readFileSync(path)
          .toString('latin1')
          .match(/Conv_matmulintegertofloat/g) ?? []
      ).length;
    expect(convs(portable.path)).toBe(0);
    expect(convs(dot.path)).toBeGreaterThan(0);
  });

  it('prefers the shipped file of the variant asked for', async () => {
    // Prepare
    const dir = copyOfDemoModel();
    writeFileSync(join(dir, 'model.int8.onnx'), 'shipped portable');
    writeFileSync(join(dir, 'model.int8-dot.onnx'), 'shipped dot-product');
    const spec = await loadModelSpec(dir);

    // Act
    const dot = await resolveModelFile(spec, {
      quantize: true,
      cacheDir: tmpdir(),
      variant: INT8_VARIANTS['dot-product'],
    });
    const portable = await resolveModelFile(spec, {
      quantize: true,
      cacheDir: tmpdir(),
      variant: INT8_VARIANTS.portable,
    });

    // Assess
    expect(dot).toEqual({ path: join(dir, 'model.int8-dot.onnx'), quantized: true, variant: 'dot-product' });
    expect(portable).toEqual({ path: join(dir, 'model.int8.onnx'), quantized: true, variant: 'portable' });
  });

  it('runs a shipped model.int8.onnx rather than quantize at load when the variant asked for is not shipped', async () => {
    // Prepare
    const dir = copyOfDemoModel();
    writeFileSync(join(dir, 'model.int8.onnx'), 'shipped');
    const spec = await loadModelSpec(dir);

    // Act
    const file = await resolveModelFile(spec, {
      quantize: true,
      cacheDir: tmpdir(),
      variant: INT8_VARIANTS['dot-product'],
    });

    // Assess
    expect(file).toEqual({ path: join(dir, 'model.int8.onnx'), quantized: true, variant: 'portable' });
  });
});
