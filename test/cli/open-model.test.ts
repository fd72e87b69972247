/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { closeCliModel, openCliModel } from '../../cli/open-model';
import { loadConfig } from '../../shared/config/app-config';
import { loadModelSpec } from '../../shared/model/model-spec';
import { DEMO_MODEL_DIR } from '../helpers/demo-model';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('openCliModel', () => {
  it('names each setting that has no effect once on stderr and opens the CPU model', async () => {
    // Prepare
    const spec = await loadModelSpec(DEMO_MODEL_DIR);
    const config = loadConfig({ CUDA_EMPTY_CACHE: 'true', USE_FLOAT16: 'true' });
    const io = { stdout: sink(), stderr: sink() };

    // Act
    const model = await openCliModel(spec, false, config, io);
    closeCliModel(model);

    // Assess
    expect(model.backend).toBe('cpu');
    expect(io.stderr.text.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^warning: CUDA_EMPTY_CACHE has no effect: /),
      expect.stringMatching(/^warning: USE_FLOAT16 has no effect without USE_TRITON=true: /),
    ]);
    expect(io.stdout.text).toBe('');
  });
});
