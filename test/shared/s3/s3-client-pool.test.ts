import { loadConfig } from '../../../shared/config/app-config';
import { S3ClientPool } from '../../../shared/s3/s3-client-pool';

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
});
