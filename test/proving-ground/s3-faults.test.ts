import type { S3Event } from 'aws-lambda';
import { decodeEventKey } from '../../shared/events/object-events';
import { processEvent } from '../../shared/pipeline/process-event';
import { type FaultProxy, startFaultProxy } from '../../tools/local-s3/fault-proxy';
import type { LocalS3 } from '../../tools/local-s3/local-s3-server';
import { pipelineContext, StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

describe('S3 faults around an activity', () => {
  let s3: LocalS3;
  let bucket: string;
  let events: S3Event[];
  let proxy: FaultProxy;

  beforeAll(async () => {
    ({ s3, bucket, events } = await startTestS3('s3-faults'));
    proxy = await startFaultProxy(s3.endpoint);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
  });

  async function upload(key: string, body: string | Buffer): Promise<S3Event> {
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, key, body, { contentType: 'application/octet-stream' });
    pool.destroy();
    return [...events].reverse().find((e) => decodeEventKey(e.Records[0]!.s3.object.key) === key)!;
  }

  it('runs inference once when the result upload fails after it and the activity is retried', async () => {
    // Prepare: every try of the first result upload fails (one S3 attempt each), so the activity retries
    await upload('incoming/put/a.txt', 'the quick brown fox');
    const event = await upload('incoming/put/a.wav', toneWav(1));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(
      proxy.endpoint,
      { S3_RETRY_MAX: '1', ACTIVITY_RETRY_MAX: '3' },
      model,
    );
    proxy.inject(['server-error', 'throttle'], 'PUT');

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    expect(model.calls).toBe(1);
  });

  it.each([
    ['truncated', 'truncate'],
    ['stalled past the read timeout', 'stall'],
  ] as const)(
    'retries an activity when a download body is %s, and aligns the whole file',
    async (_name, fault) => {
      // Prepare: two of the three activity attempts get a broken audio body (the body is not retried on its own)
      await upload(`incoming/get/${fault}.txt`, 'the quick brown fox');
      const event = await upload(`incoming/get/${fault}.wav`, toneWav(2));
      const model = new StandInModel();
      const { context, pool } = pipelineContext(proxy.endpoint, { S3_READ_TIMEOUT: '0.5' }, model);
      proxy.inject([fault], 'GET');
      proxy.inject([fault], 'GET');

      // Act
      const result = await processEvent(context, event);
      pool.destroy();

      // Assess
      expect(result.outcomes[0]).toMatchObject({
        status: 'succeeded',
        result: { audio: { durationSec: 2 } },
      });
      expect(model.calls).toBe(1);
    },
  );
});
