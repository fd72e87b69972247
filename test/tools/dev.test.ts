import { startDev, uploadInstructions } from '../../tools/dev';
import { parseJsonObject } from '../helpers/json-object';
import { StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { testStore } from './local-s3/local-s3-fixture';

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
});
