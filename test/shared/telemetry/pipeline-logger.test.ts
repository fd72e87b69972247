import { processEvent } from '../../../shared/pipeline/process-event';
import { createPipelineLogger } from '../../../shared/telemetry/pipeline-logger';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { pipelineContext, toneWav } from '../pipeline/pipeline-harness';

describe('pipeline logging', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3());
  });

  afterAll(async () => {
    await s3.close();
  });

  it('writes Powertools JSON logs and never logs the transcript text at INFO or above', async () => {
    // Prepare
    const secret = 'patient mary smith said hello';
    const { store, pool: adminPool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/private/p.txt', secret, { contentType: 'text/plain' });
    await store.put(bucket, 'incoming/private/p.wav', toneWav(2), { contentType: 'audio/wav' });
    adminPool.destroy();
    const { context, pool } = pipelineContext(s3.endpoint);
    context.log = createPipelineLogger('w2v2-align', 'DEBUG');
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    try {
      await processEvent(context, {
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: bucket }, object: { key: 'incoming/private/p.wav' } },
          },
        ],
      });
    } finally {
      spy.mockRestore();
      pool.destroy();
    }

    // Assess
    const logs = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => ({
        line,
        entry: JSON.parse(line) as { level: string; message: string; service: string },
      }));
    expect(logs.map((log) => log.entry.message)).toEqual(
      expect.arrayContaining(['activity started', 'activity succeeded']),
    );
    expect(logs.every((log) => log.entry.service === 'w2v2-align')).toBe(true);
    const mentioning = logs.filter((log) => log.line.includes(secret));
    expect(mentioning.length).toBeGreaterThan(0);
    expect(mentioning.every((log) => log.entry.level === 'DEBUG')).toBe(true);
  });
});
