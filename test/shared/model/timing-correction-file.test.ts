import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTimingCorrection } from '../../../shared/model/timing-correction-file';

function modelDir(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-correction-'));
  writeFileSync(join(dir, 'config.json'), config);
  writeFileSync(join(dir, 'vocab.json'), '{}');
  return dir;
}

function readConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
}

describe('writeTimingCorrection', () => {
  it('replaces the two fields and keeps every other one, in its place, and a note of its own', async () => {
    // Prepare
    const dir = modelDir(
      JSON.stringify({
        name: 'm',
        conv_stride: [5, 2],
        timing_correction: { start_sec: 0.0, end_sec: 0.052, note: 'dev set 2024' },
        vocab_size: 32,
      }),
    );

    // Act
    const path = await writeTimingCorrection(dir, { startSec: -0.002, endSec: 0.06 });

    // Assess
    expect(path).toBe(join(dir, 'config.json'));
    const config = readConfig(dir);
    expect(Object.keys(config)).toEqual(['name', 'conv_stride', 'timing_correction', 'vocab_size']);
    expect(config).toEqual({
      name: 'm',
      conv_stride: [5, 2],
      timing_correction: { start_sec: -0.002, end_sec: 0.06, note: 'dev set 2024' },
      vocab_size: 32,
    });
    expect(readFileSync(path, 'utf8')).toMatch(/^\{\n {2}"name": "m",\n[\s\S]*\n\}\n$/);
  });

  it('adds timing_correction to a config without one', async () => {
    const dir = modelDir('{"name": "m"}');

    await writeTimingCorrection(dir, { startSec: 0.01, endSec: 0 });

    expect(readConfig(dir)).toEqual({ name: 'm', timing_correction: { start_sec: 0.01, end_sec: 0 } });
  });

  it('renames a new file into place, so the old one is never rewritten and no temporary file is left', async () => {
    // Prepare: a second name for the old file shows whether it was written in place.
    const dir = modelDir('{"name": "m"}\n');
    chmodSync(join(dir, 'config.json'), 0o640);
    linkSync(join(dir, 'config.json'), join(dir, 'old-config.json'));

    // Act
    await writeTimingCorrection(dir, { startSec: 0, endSec: 0.05 });

    // Assess
    expect(readFileSync(join(dir, 'old-config.json'), 'utf8')).toBe('{"name": "m"}\n');
    expect(readConfig(dir).timing_correction).toEqual({ start_sec: 0, end_sec: 0.05 });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'old-config.json', 'vocab.json']);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o640);
  });

  it('refuses a config.json that is not a JSON object, or none, as a MODEL error and writes nothing', async () => {
    const list = modelDir('[1, 2]');
    const broken = modelDir('{"name": ');
    const missing = mkdtempSync(join(tmpdir(), 'w2v2-correction-'));
    const correction = { startSec: 0, endSec: 0.05 };

    await expect(writeTimingCorrection(list, correction)).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringMatching(/config\.json is not a JSON object$/),
    });
    await expect(writeTimingCorrection(broken, correction)).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringMatching(/config\.json is not valid JSON: /),
    });
    await expect(writeTimingCorrection(missing, correction)).rejects.toMatchObject({
      code: 'MODEL',
      message: expect.stringMatching(/^cannot read .*config\.json: ENOENT$/),
    });
    expect(readFileSync(join(list, 'config.json'), 'utf8')).toBe('[1, 2]');
    expect(readdirSync(missing)).toEqual([]);
  });
});
