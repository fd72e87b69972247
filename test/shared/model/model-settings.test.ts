import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelSettings } from '../../../shared/model/model-settings';

describe('readModelSettings', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'w2v2-settings-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(files: Record<string, unknown>): void {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
  }

  it('keeps every config.json field, and names config.json as the source of the settings it gives', async () => {
    // Prepare
    write({ 'config.json': { conv_kernel: [10], conv_stride: [5], do_normalize: false, custom: 'kept' } });

    // Act
    const settings = await readModelSettings(dir);

    // Assess
    expect(settings).toEqual({
      values: { conv_kernel: [10], conv_stride: [5], do_normalize: false, custom: 'kept' },
      sources: { do_normalize: 'config.json' },
      sideFiles: [],
      conflicts: [],
    });
  });

  it('completes the settings from the side files, passing over the tokens Hugging Face writes as null', async () => {
    // Prepare
    write({
      'config.json': {},
      'preprocessor_config.json': { sampling_rate: 8000, do_normalize: true },
      'tokenizer_config.json': {
        pad_token: null,
        unk_token: { content: '[UNK]', lstrip: false },
        do_normalize: false,
      },
      'special_tokens_map.json': { pad_token: '[PAD]', unk_token: '[UNK]' },
    });

    // Act
    const settings = await readModelSettings(dir);

    // Assess
    expect(settings.values).toEqual({
      sampling_rate: 8000,
      do_normalize: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
    });
    expect(settings.sources).toEqual({
      sampling_rate: 'preprocessor_config.json',
      do_normalize: 'preprocessor_config.json',
      pad_token: 'special_tokens_map.json',
      unk_token: 'tokenizer_config.json',
    });
    expect(settings.conflicts).toEqual([]);
  });

  it.each([
    ['config.json', 'cannot read', {}],
    ['tokenizer_config.json', 'is not valid JSON', { 'tokenizer_config.json': '{"pad_token": ' }],
    ['preprocessor_config.json', 'must hold a JSON object', { 'preprocessor_config.json': '[1, 2]' }],
  ])(
    'fails with MODEL naming %s when it is missing or not an object of settings',
    async (file, says, files) => {
      // Prepare
      write({ ...(file === 'config.json' ? {} : { 'config.json': {} }), ...files });

      // Act
      const reading = readModelSettings(dir);

      // Assess
      await expect(reading).rejects.toMatchObject({
        code: 'MODEL',
        message: expect.stringMatching(new RegExp(`${file}.*${says}|${says}.*${file}`)),
      });
    },
  );
});
