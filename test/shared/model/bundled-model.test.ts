import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlignError } from '../../../shared/errors';
import { bundledModelDir, handlerModelDir } from '../../../shared/model/bundled-model';

describe('bundledModelDir', () => {
  it('finds models/demo-en by walking up from a folder below the package root', () => {
    // Act
    const dir = bundledModelDir(join(__dirname, 'some', 'deeper', 'folder'));

    // Assess
    expect(dir).toBe(join(__dirname, '..', '..', '..', 'models', 'demo-en'));
  });

  it('fails with MODEL when no demo model lies above the folder', () => {
    // Prepare
    const outside = mkdtempSync(join(tmpdir(), 'no-model-'));

    // Act / Assess
    expect(() => bundledModelDir(outside)).toThrow(AlignError);
    expect(() => bundledModelDir(outside)).toThrow(/models\/demo-en\) is missing/);
  });
});

describe('handlerModelDir', () => {
  it('prefers the configured MODEL_DIR', () => {
    // Act / Assess
    expect(handlerModelDir('/opt/model', __dirname, 'a model')).toBe('/opt/model');
  });

  it('falls back to the packaged demo model', () => {
    // Act / Assess
    expect(handlerModelDir(undefined, __dirname, 'a model')).toBe(bundledModelDir(__dirname));
  });

  it('says what the model is for when neither exists', () => {
    // Prepare
    const outside = mkdtempSync(join(tmpdir(), 'no-model-'));

    // Act
    const attempt = (): string => handlerModelDir(undefined, outside, 'the vocabulary Triton serves');

    // Assess
    expect(attempt).toThrow(
      'no model: set MODEL_DIR to the vocabulary Triton serves (see docs/model-directory.md)',
    );
    try {
      attempt();
    } catch (error) {
      expect((error as AlignError).code).toBe('MODEL');
      expect((error as AlignError).cause).toBeInstanceOf(AlignError);
    }
  });
});
