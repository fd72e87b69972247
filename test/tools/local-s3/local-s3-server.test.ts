import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { localS3Folders, runScript, startTestS3, testStore } from './local-s3-fixture';

describe('the local S3 server', () => {
  let s3: LocalS3;
  let bucket: string;
  let pool: S3ClientPool;
  let client: S3Client;

  beforeEach(async () => {
    ({ s3, bucket } = await startTestS3('local-s3'));
    ({ pool } = testStore(s3.endpoint, { S3_RETRY_MAX: '1' }));
    client = pool.client();
  });

  afterEach(async () => {
    pool.destroy();
    await s3.close();
  });

  async function put(key: string, body: string): Promise<void> {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async function read(key: string): Promise<string> {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return response.Body!.transformToString();
  }

  async function listAll(maxKeys: number): Promise<string[]> {
    // Version 1 pages by marker: s3rver's version 2 continuation tokens use DES, which Node 17+ lacks.
    const keys: string[] = [];
    for (;;) {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: bucket, MaxKeys: maxKeys, Marker: keys.at(-1) }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      if (page.IsTruncated !== true) return keys;
    }
  }

  it('stores keys with 256-byte segments as S3 does, and keeps serving', async () => {
    // Prepare
    const lastSegment = `incoming/${'x'.repeat(256)}.wav`;
    const innerSegment = `incoming/${'y'.repeat(300)}/talk.wav`;

    // Act
    await put(lastSegment, 'last');
    await put(innerSegment, 'inner');
    await put('incoming/after.txt', 'after');

    // Assess
    expect(await read(lastSegment)).toBe('last');
    expect(await read(innerSegment)).toBe('inner');
    expect(await read('incoming/after.txt')).toBe('after');
  });

  it('keeps keys opaque: dot segments are stored as sent, not resolved', async () => {
    // Prepare
    await put('incoming/b.wav', 'plain');

    // Act
    await put('incoming/a/../b.wav', 'dotted');
    await put('incoming/./c.wav', 'dot');

    // Assess
    expect(await read('incoming/b.wav')).toBe('plain');
    expect(await read('incoming/a/../b.wav')).toBe('dotted');
    expect(await read('incoming/./c.wav')).toBe('dot');
    expect(await listAll(1000)).toEqual(['incoming/./c.wav', 'incoming/a/../b.wav', 'incoming/b.wav']);
  });

  it("takes a key of S3's 1024 bytes and refuses a longer one with KeyTooLongError", async () => {
    // Prepare: two-byte characters in short segments, so the limit is counted in UTF-8 bytes.
    const longest = `${'é/'.repeat(341)}z`;
    const tooLong = `${longest}z`;

    // Act
    await put(longest, 'fits');
    const refusal = await put(tooLong, 'too long').catch((error: unknown) => error);

    // Assess
    expect(Buffer.byteLength(longest)).toBe(1024);
    expect(await read(longest)).toBe('fits');
    expect(refusal).toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    expect(await listAll(1000)).toEqual([longest]);
  });

  it('lists every key once, in UTF-8 byte order, across pages and with a delimiter', async () => {
    // Prepare: U+FFFD sorts before U+1F600 in UTF-8 bytes, after it in JavaScript's UTF-16 order.
    const sorted = ['a', 'b', 'c/d', 'c/e', 'c/f/g', '\uFFFD', '\u{1F600}'];
    for (const key of ['\u{1F600}', 'c/f/g', 'b', '\uFFFD', 'c/d', 'a', 'c/e']) await put(key, key);

    // Act
    const paged = await listAll(2);
    const grouped = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'c/', Delimiter: '/' }),
    );

    // Assess
    expect(paged).toEqual(sorted);
    expect(grouped.Contents?.map((object) => object.Key)).toEqual(['c/d', 'c/e']);
    expect(grouped.CommonPrefixes?.map((common) => common.Prefix)).toEqual(['c/f/']);
  });

  it('deletes an object: it is neither served nor listed afterwards', async () => {
    // Prepare
    await put('incoming/a/../b.wav', 'gone');
    await put('incoming/b.wav', 'kept');

    // Act
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'incoming/a/../b.wav' }));

    // Assess
    await expect(read('incoming/a/../b.wav')).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await listAll(1000)).toEqual(['incoming/b.wav']);
  });

  it('copies and assembles multipart uploads under opaque keys', async () => {
    // Prepare
    await put('source.txt', 'copied');
    const multipartKey = `parts/../${'m'.repeat(300)}`;
    const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: multipartKey }));
    const parts = [];
    for (const [index, body] of ['first ', 'second'].entries()) {
      const part = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: multipartKey,
          UploadId: upload.UploadId,
          PartNumber: index + 1,
          Body: body,
        }),
      );
      parts.push({ PartNumber: index + 1, ETag: part.ETag });
    }

    // Act
    await client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'copy/../copy.txt', CopySource: `${bucket}/source.txt` }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: multipartKey,
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );

    // Assess
    expect(await read('copy/../copy.txt')).toBe('copied');
    expect(await read(multipartKey)).toBe('first second');
    expect(await listAll(1000)).toEqual(['copy/../copy.txt', multipartKey, 'source.txt']);
  });
});

describe('the local S3 folder', () => {
  let tmp: string;

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'local-s3-folder-'));
  });

  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('is removed when the process crashes with the server still open', async () => {
    // Prepare
    const script = `
      const { startLocalS3 } = require('./tools/local-s3/local-s3-server');
      startLocalS3({ buckets: ['crash'] }).then(() => {
        process.stdout.write('started\\n');
        setTimeout(() => { throw new Error('crashed on purpose'); });
      });`;

    // Act
    const outcome = await runScript(script, tmp);

    // Assess
    expect(outcome.stdout).toBe('started\n');
    expect(outcome.stderr).toContain('crashed on purpose');
    expect(outcome.code).toBe(1);
    expect(await localS3Folders(tmp)).toEqual([]);
  });

  it('is removed when the port is taken, and the start fails with an error instead of ending the process', async () => {
    // Prepare
    const script = `
      const { createServer } = require('node:net');
      const { startLocalS3 } = require('./tools/local-s3/local-s3-server');
      const taken = createServer().listen(0, '127.0.0.1', () => {
        startLocalS3({ buckets: ['busy'], port: taken.address().port }).then(
          () => process.stdout.write('started\\n'),
          (error) => process.stdout.write(error.code + '\\n'),
        ).finally(() => taken.close());
      });`;

    // Act
    const outcome = await runScript(script, tmp);

    // Assess
    expect(outcome.stdout).toBe('EADDRINUSE\n');
    expect(outcome.code).toBe(0);
    expect(await localS3Folders(tmp)).toEqual([]);
  });

  it('is removed by close', async () => {
    // Prepare
    const script = `
      const { readdirSync } = require('node:fs');
      const { startLocalS3 } = require('./tools/local-s3/local-s3-server');
      const count = () => readdirSync(process.env.TMPDIR).filter((name) => name.startsWith('w2v2-local-s3-')).length;
      startLocalS3({ buckets: ['closed'] }).then(async (s3) => {
        const before = count();
        await s3.close();
        process.stdout.write(before + ' ' + count() + '\\n');
      });`;

    // Act
    const outcome = await runScript(script, tmp);

    // Assess
    expect(outcome.stdout).toBe('1 0\n');
    expect(outcome.code).toBe(0);
  });
});
