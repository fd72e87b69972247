import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../../../shared/config/app-config';
import { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import { startFaultProxy } from '../../../tools/local-s3/fault-proxy';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../tools/local-s3/local-s3-server';
import { startTestS3 } from '../../tools/local-s3/local-s3-fixture';

describe('S3ClientPool', () => {
  it('creates the warm clients up front and never more than the pool size', async () => {
    // Prepare
    const config = loadConfig({
      S3_WARM_CLIENTS: '2',
      S3_CLIENT_POOL_SIZE: '3',
      S3_ENDPOINT: 'http://127.0.0.1:9',
    }).s3;
    const pool = new S3ClientPool(config, { region: 'us-east-1' });

    // Act
    await pool.warm(undefined);
    const warmSize = pool.size;
    const handed = new Set(Array.from({ length: 7 }, () => pool.client()));

    // Assess
    expect(warmSize).toBe(2);
    expect(pool.size).toBe(3);
    expect(handed.size).toBe(3);
    pool.destroy();
  });

  it('hands out the warm clients before it creates any other', async () => {
    // Prepare
    const config = loadConfig({
      S3_WARM_CLIENTS: '2',
      S3_CLIENT_POOL_SIZE: '4',
      S3_ENDPOINT: 'http://127.0.0.1:9',
    }).s3;
    const pool = new S3ClientPool(config, { region: 'us-east-1' });
    await pool.warm(undefined);

    // Act
    const first = [pool.client(), pool.client()];
    const sizeAfterWarmOnes = pool.size;
    const third = pool.client();

    // Assess
    expect(new Set(first).size).toBe(2);
    expect(sizeAfterWarmOnes).toBe(2);
    expect(pool.size).toBe(3);
    expect(first).not.toContain(third);
    pool.destroy();
  });

  it('keeps the sockets of all its clients together within S3_MAX_CONNECTIONS', async () => {
    // Prepare: a server that holds every request 100 ms, so each queued request opens a socket if it may
    let open = 0;
    let peak = 0;
    const server = createServer((_, res) => {
      setTimeout(() => res.writeHead(200, { 'content-length': '0', etag: '"e"' }).end(), 100);
    });
    server.on('connection', (socket) => {
      open++;
      peak = Math.max(peak, open);
      socket.on('close', () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = loadConfig({
      S3_MAX_CONNECTIONS: '5',
      S3_CLIENT_POOL_SIZE: '2',
      S3_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    }).s3;
    const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });

    // Act
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pool.client().send(new HeadObjectCommand({ Bucket: 'bucket', Key: `key-${i}` })),
      ),
    );
    pool.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));

    // Assess: 2 clients × floor(5 / 2) sockets; rounding up would have opened 6
    expect(peak).toBe(4);
  });

  it('uses path-style addressing and WHEN_REQUIRED checksums with a configured endpoint', async () => {
    const config = loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9' }).s3;
    const pool = new S3ClientPool(config, { region: 'us-east-1' });

    const client = pool.client();

    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(await client.config.maxAttempts()).toBe(1);
    pool.destroy();
  });

  it('connects every warm client to the bucket at cold start', async () => {
    // Prepare
    const { s3, bucket } = await startTestS3();
    const proxy = await startFaultProxy(s3.endpoint);
    const config = loadConfig({ S3_WARM_CLIENTS: '3', S3_ENDPOINT: proxy.endpoint }).s3;
    const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });

    // Act
    await pool.warm(bucket);
    const requests = proxy.stats.requests;
    const size = pool.size;
    pool.destroy();
    await proxy.close();
    await s3.close();

    // Assess
    expect(size).toBe(3);
    expect(requests).toBe(3);
  });
});
