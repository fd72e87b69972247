import { AlignError } from '../../../shared/errors';
import { FAULTS, type Fault, startFaultProxy } from '../../../tools/local-s3/fault-proxy';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { startTestS3, testStore } from './local-s3-fixture';

const BODY = Buffer.from('0123456789'.repeat(2000));

describe('the fault proxy in front of the local S3', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('fault-proxy'));
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'object.bin', BODY, { contentType: 'application/octet-stream' });
    pool.destroy();
  });

  afterAll(async () => {
    await s3.close();
  });

  async function readThrough(endpoint: string, env: Record<string, string> = {}): Promise<unknown> {
    const { store, pool } = testStore(endpoint, { S3_RETRY_MAX: '1', ...env });
    try {
      return (await store.readText(bucket, 'object.bin', 1 << 20))?.text.length;
    } catch (error) {
      return error;
    } finally {
      pool.destroy();
    }
  }

  it('truncates a body: the reader fails with a retryable S3 error instead of taking half the object', async () => {
    // Prepare
    const proxy = await startFaultProxy(s3.endpoint);
    proxy.inject(['truncate'], 'GET');

    // Act
    const outcome = await readThrough(proxy.endpoint);
    const afterwards = await readThrough(proxy.endpoint);
    await proxy.close();

    // Assess
    expect(outcome).toBeInstanceOf(AlignError);
    expect(outcome).toMatchObject({ code: 'S3', retryable: true });
    expect(afterwards).toBe(BODY.length);
    expect(proxy.stats.byKind.truncate).toBe(1);
  });

  it('stalls a body past the read timeout: the reader gives up with a retryable error', async () => {
    // Prepare
    const proxy = await startFaultProxy(s3.endpoint);
    proxy.inject(['stall'], 'GET');

    // Act
    const outcome = await readThrough(proxy.endpoint, { S3_READ_TIMEOUT: '0.5' });
    await proxy.close();

    // Assess: ended by the configured 500 ms of silence (the fixture's default read timeout is 10 s)
    expect(outcome).toMatchObject({
      retryable: true,
      cause: expect.objectContaining({ name: 'TimeoutError', message: expect.stringMatching(/\b500 ms\b/) }),
    });
    expect(proxy.stats.byKind.stall).toBe(1);
  });

  it('injects faults at the asked rate, the same sequence for the same seed', async () => {
    // Prepare
    const runs: Fault[][] = [];
    for (let run = 0; run < 2; run++) {
      const proxy = await startFaultProxy(s3.endpoint, {
        rate: 0.3,
        seed: 7,
        kinds: ['throttle', 'server-error'],
        methods: ['HEAD'],
      });
      const { store, pool } = testStore(proxy.endpoint, { S3_RETRY_MAX: '1' });
      const seen: Fault[] = [];

      // Act
      for (let i = 0; i < 200; i++) {
        const before = { ...proxy.stats.byKind };
        await store.head(bucket, 'object.bin').catch(() => undefined);
        seen.push(...FAULTS.filter((fault) => proxy.stats.byKind[fault] > before[fault]));
      }
      await store.readText(bucket, 'object.bin', 1 << 20);
      pool.destroy();
      await proxy.close();
      runs.push(seen);
    }

    // Assess
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.length).toBeGreaterThan(40);
    expect(runs[0]?.length).toBeLessThan(80);
    expect(new Set(runs[0])).toEqual(new Set(['throttle', 'server-error']));
  });
});
