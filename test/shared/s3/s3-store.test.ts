import { SourceChangedError } from '../../../shared/errors';
import { S3DeleteRefusedError, S3OperationError } from '../../../shared/s3/s3-errors';
import { type FaultProxy, startFaultProxy } from '../../../tools/local-s3/fault-proxy';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { captureLog, startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';

describe('S3Store against a local S3 server', () => {
  let s3: LocalS3;
  let bucket: string;
  let proxy: FaultProxy;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3());
    proxy = await startFaultProxy(s3.endpoint);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
  });

  it('writes, heads and reads back text with metadata, and reports missing objects as undefined', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);

    // Act
    await store.put(bucket, 'dir/a b+é.txt', 'héllo', {
      contentType: 'text/plain',
      metadata: { transcript: 'x%20y' },
    });
    const head = await store.head(bucket, 'dir/a b+é.txt');
    const read = await store.readBytes(bucket, 'dir/a b+é.txt', 1024);
    const text = await store.readText(bucket, 'dir/a b+é.txt', 1024);
    const missing = await store.head(bucket, 'dir/nothing.txt');
    pool.destroy();

    // Assess
    expect(head).toMatchObject({ size: Buffer.byteLength('héllo'), metadata: { transcript: 'x%20y' } });
    expect(head?.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(read).toEqual({ bytes: Buffer.from('héllo'), etag: head?.etag });
    expect(text).toEqual({ text: 'héllo', etag: head?.etag });
    expect(missing).toBeUndefined();
  });

  it('streams a download with one GET and logs progress against its Content-Length', async () => {
    // Prepare
    const log = captureLog();
    const { store, pool } = testStore(proxy.endpoint, {}, log);
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    await store.put(bucket, 'big.bin', payload, { contentType: 'application/octet-stream' });
    const requestsBefore = proxy.stats.requests;

    // Act
    const download = await store.download(bucket, 'big.bin');
    let received = 0;
    for await (const chunk of download.body) received += chunk.length;
    pool.destroy();

    // Assess
    expect(received).toBe(payload.length);
    expect(proxy.stats.requests - requestsBefore).toBe(1);
    const progress = log.lines.filter((line) => line.message === 'download progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((line) => line.extra?.total === payload.length)).toBe(true);
    expect(store.limits.downloads.active).toBe(0);
  });

  it('refuses to stream an object overwritten since its HEAD, as a retryable changed input, not an S3 failure', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'moving.wav', 'first', { contentType: 'audio/wav' });
    const head = await store.head(bucket, 'moving.wav');
    await store.put(bucket, 'moving.wav', 'second version', { contentType: 'audio/wav' });

    // Act
    const download = store.download(bucket, 'moving.wav', head?.size, head?.etag);
    const outcome = await download.catch((error: unknown) => error);
    pool.destroy();

    // Assess
    expect(outcome).toBeInstanceOf(SourceChangedError);
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      retryable: true,
      message: expect.stringMatching(/moving\.wav changed while it was being processed/),
    });
    expect(store.limits.downloads.active).toBe(0);
  });

  it('refuses deletes unless S3_ALLOW_DELETES=true, leaving the object in place', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'keep.txt', 'keep', { contentType: 'text/plain' });

    // Act
    const refusal = store.delete(bucket, 'keep.txt');

    // Assess
    await expect(refusal).rejects.toBeInstanceOf(S3DeleteRefusedError);
    await expect(refusal).rejects.toMatchObject({ code: 'S3' });
    expect(await store.head(bucket, 'keep.txt')).toBeDefined();
    pool.destroy();
  });

  it('deletes when S3_ALLOW_DELETES=true', async () => {
    const { store, pool } = testStore(s3.endpoint, { S3_ALLOW_DELETES: 'true' });
    await store.put(bucket, 'gone.txt', 'gone', { contentType: 'text/plain' });

    await store.delete(bucket, 'gone.txt');

    expect(await store.head(bucket, 'gone.txt')).toBeUndefined();
    pool.destroy();
  });

  it('retries throttling, 5xx and connection resets, then succeeds', async () => {
    // Prepare
    const log = captureLog();
    const { store, pool } = testStore(proxy.endpoint, { S3_RETRY_MAX: '4' }, log);
    await store.put(bucket, 'flaky.txt', 'steady', { contentType: 'text/plain' });
    const faultsBefore = proxy.stats.faults;
    proxy.inject(['throttle', 'server-error', 'reset'], 'GET');

    // Act
    const text = await store.readText(bucket, 'flaky.txt', 1024);
    pool.destroy();

    // Assess
    expect(text?.text).toBe('steady');
    expect(proxy.stats.faults - faultsBefore).toBe(3);
    expect(log.lines.filter((line) => line.message === 'S3 request failed, retrying')).toHaveLength(3);
  });

  it('aborts a request that gets no answer within S3_READ_TIMEOUT and retries it', async () => {
    // Prepare: the fixture's default read timeout is 10 s; this store is given 0.3 s
    const log = captureLog();
    const { store, pool } = testStore(proxy.endpoint, { S3_READ_TIMEOUT: '0.3', S3_RETRY_MAX: '2' }, log);
    await store.put(bucket, 'slow.txt', 'eventually', { contentType: 'text/plain' });
    proxy.inject(['hang'], 'GET');

    // Act
    const text = await store.readText(bucket, 'slow.txt', 1024);
    pool.destroy();

    // Assess: one retry, after a timeout of the configured 300 ms
    expect(text?.text).toBe('eventually');
    const retries = log.lines.filter((line) => line.message === 'S3 request failed, retrying');
    expect(retries.map((line) => line.extra?.error)).toEqual([
      expect.stringMatching(/^TimeoutError: .*\b300 ms\b/),
    ]);
  });

  it('fails a download whose body stalls for longer than S3_READ_TIMEOUT with a retryable error', async () => {
    // Prepare
    const { store, pool } = testStore(proxy.endpoint, { S3_READ_TIMEOUT: '0.3' });
    await store.put(bucket, 'stalled.bin', Buffer.alloc(256 * 1024, 3), {
      contentType: 'application/octet-stream',
    });
    proxy.inject(['stall'], 'GET');

    // Act
    const drain = async (): Promise<number> => {
      const download = await store.download(bucket, 'stalled.bin');
      let received = 0;
      for await (const chunk of download.body) received += chunk.length;
      return received;
    };

    // Assess: the silence that ended it is the configured 300 ms (the fixture's default is 10 s)
    await expect(drain()).rejects.toMatchObject({
      code: 'S3',
      retryable: true,
      cause: expect.objectContaining({ name: 'TimeoutError', message: expect.stringMatching(/\b300 ms\b/) }),
    });
    expect(store.limits.downloads.active).toBe(0);
    pool.destroy();
  });

  it('gives up after S3_RETRY_MAX attempts with a retryable S3 error', async () => {
    // Prepare
    const { store, pool } = testStore(proxy.endpoint, { S3_RETRY_MAX: '2' });
    proxy.inject(['server-error', 'server-error'], 'PUT');

    // Act
    const attempt = store.put(bucket, 'never.txt', 'x', { contentType: 'text/plain' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(S3OperationError);
    await expect(attempt).rejects.toMatchObject({ code: 'S3', retryable: true });
    expect(await store.head(bucket, 'never.txt')).toBeUndefined();
    pool.destroy();
  });

  it('never runs more downloads at once than S3_MAX_CONCURRENT_DOWNLOADS', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint, { S3_MAX_CONCURRENT_DOWNLOADS: '2' });
    await store.put(bucket, 'small.bin', Buffer.alloc(1000, 1), { contentType: 'application/octet-stream' });
    let peak = 0;

    // Act
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const download = await store.download(bucket, 'small.bin');
        peak = Math.max(peak, store.limits.downloads.active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        for await (const _chunk of download.body) peak = Math.max(peak, store.limits.downloads.active);
      }),
    );
    pool.destroy();

    // Assess
    expect(peak).toBe(2);
    expect(store.limits.downloads.active).toBe(0);
  });
});
