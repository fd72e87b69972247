import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDev, uploadInstructions } from '../../tools/dev';
import { REPO_ROOT } from '../helpers/demo-model';
import { parseJsonObject } from '../helpers/json-object';
import { StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { localS3Folders, testStore } from './local-s3/local-s3-fixture';

describe('npm run dev', () => {
  it('prints the endpoint and upload commands, then aligns what is uploaded', async () => {
    // Prepare
    const printed: string[] = [];
    const out = { write: (text: string) => printed.push(text) };

    // Act
    const pipeline = await startDev({ port: 0, out, overrides: { model: async () => new StandInModel() } });
    const { store, pool } = testStore(pipeline.s3.endpoint);
    await store.put(pipeline.bucket, 'incoming/talk.txt', 'good morning', { contentType: 'text/plain' });
    await store.put(pipeline.bucket, 'incoming/talk.wav', toneWav(1), { contentType: 'audio/wav' });
    await pipeline.idle();
    const result = await store.readText(pipeline.bucket, 'results/talk.json', 1 << 20);
    pool.destroy();
    await pipeline.close();

    // Assess
    const text = printed.join('');
    expect(text).toContain(`Local S3 running at ${pipeline.s3.endpoint}`);
    expect(text).toContain(`aws s3 cp --endpoint-url ${pipeline.s3.endpoint}`);
    expect(text).toMatch(/aligned incoming\/talk\.wav \(align, \d\/2 words/);
    expect(parseJsonObject('results/talk.json', result?.text).text).toBe('good morning');
  });

  it('gives a Node one-liner that is valid JavaScript', () => {
    const line = uploadInstructions('http://127.0.0.1:4569')
      .split('\n')
      .find((l) => l.includes('node -e'))!;
    const script = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'));

    expect(() => new Function('require', 'process', script)).not.toThrow();
  });

  it('keeps serving after an upload with a 256-byte path segment, and removes its folder on SIGTERM', async () => {
    // Prepare
    const tmp = await mkdtemp(join(tmpdir(), 'dev-folder-'));
    const dev = spawn(process.execPath, ['--import', 'tsx', 'tools/dev.ts', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: tmp },
    });
    let printed = '';
    dev.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const exited = once(dev, 'exit');
    while (!/Local S3 running at (\S+),/.test(printed)) await once(dev.stdout, 'data');
    const endpoint = /Local S3 running at (\S+),/.exec(printed)![1]!;
    const { store, pool } = testStore(endpoint, { S3_RETRY_MAX: '1' });

    // Act
    let after: string | undefined;
    let aliveAfterUploads: boolean;
    let code: number | null;
    let leftFolders: string[];
    try {
      await store.put('w2v2-dev', `notes/${'x'.repeat(256)}.txt`, 'long', { contentType: 'text/plain' });
      await store.put('w2v2-dev', 'notes/after.txt', 'after', { contentType: 'text/plain' });
      after = (await store.readText('w2v2-dev', 'notes/after.txt', 1 << 10))?.text;
      aliveAfterUploads = dev.exitCode === null;
      dev.kill('SIGTERM');
      [code] = await exited;
      leftFolders = await localS3Folders(tmp);
    } finally {
      pool.destroy();
      if (dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
      await rm(tmp, { recursive: true, force: true });
    }

    // Assess
    expect(after).toBe('after');
    expect(aliveAfterUploads).toBe(true);
    expect(code).toBe(0);
    expect(leftFolders).toEqual([]);
  });
});
