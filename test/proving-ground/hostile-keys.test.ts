import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { processEvent } from '../../shared/pipeline/process-event';
import type { LocalS3 } from '../../tools/local-s3/local-s3-server';
import { toAwsS3Event } from '../../tools/local-s3/s3-event-adapter';
import { parseJsonObject } from '../helpers/json-object';
import { pipelineContext, StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

const REJECTED_RECORD = /^failed\/_rejected\/[0-9a-f]{40}\.json$/;

/** An S3 notification for `key`, URL-encoded the way S3 delivers it. */
function eventFor(bucket: string, key: string) {
  return toAwsS3Event([
    {
      eventName: 'ObjectCreated:Put',
      eventTime: new Date().toISOString(),
      s3: { bucket: { name: bucket }, object: { key, size: 1 } },
    },
  ]);
}

describe('hostile keys', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('hostile-keys'));
  });

  afterAll(async () => {
    await s3.close();
  });

  async function listKeys(): Promise<string[]> {
    const { pool } = testStore(s3.endpoint);
    const listed = await pool.client().send(new ListObjectsV2Command({ Bucket: bucket }));
    pool.destroy();
    return (listed.Contents ?? []).map((object) => object.Key!);
  }

  it.each([
    ['a ".." segment', 'incoming/a/../../etc/passwd.wav'],
    ['a "." segment', 'incoming/./a.wav'],
    ['a leading slash', '/incoming/a.wav'],
    ['an empty segment', 'incoming//a.wav'],
    ['a key outside the incoming prefix', 'elsewhere/a.wav'],
    ['a NUL character', 'incoming/a\u0000b.wav'],
    ['a newline', 'incoming/a\nb.wav'],
    ['1,024 bytes', `incoming/${'k/'.repeat(505)}a.wav`],
    ['a 1,023-byte key whose result keys would pass 1,024 bytes', `incoming/${'x'.repeat(1010)}.wav`],
  ])(
    'rejects a key with %s: a failure record under a hashed name, nothing else written',
    async (_name, key) => {
      // Prepare
      const model = new StandInModel();
      const { context, telemetry, pool } = pipelineContext(s3.endpoint, {}, model);
      const before = await listKeys();

      // Act
      const result = await processEvent(context, eventFor(bucket, key));
      pool.destroy();

      // Assess
      const outcome = result.outcomes[0];
      expect(outcome).toMatchObject({ status: 'failed', retryable: false, error: { code: 'INVALID_INPUT' } });
      const recordKey = outcome?.status === 'failed' ? outcome.failureKey : undefined;
      expect(recordKey).toMatch(REJECTED_RECORD);
      const written = (await listKeys()).filter((k) => !before.includes(k));
      expect(written.filter((k) => k !== recordKey)).toEqual([]);
      expect(model.calls).toBe(0);
      expect(telemetry.failures).toEqual([{ code: 'INVALID_INPUT', backend: 'cpu' }]);
    },
  );

  it.each([
    ['a result', 'results/a.json'],
    ['a failure record', 'failed/a.json'],
    ['a file of another type', 'incoming/notes.pdf'],
    ['a key without extension', 'incoming/README'],
  ])('ignores %s without writing anything', async (_name, key) => {
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);
    const before = await listKeys();

    const result = await processEvent(context, eventFor(bucket, key));
    pool.destroy();

    expect(result.outcomes.map((o) => o.status)).toEqual(['skipped']);
    expect(await listKeys()).toEqual(before);
    expect(telemetry.failures).toEqual([]);
  });

  it('keeps unicode normalisation variants of one name apart: each result names its own key and audio', async () => {
    // Prepare: "café" precomposed (NFC) and decomposed (NFD) are different S3 keys with different audio
    const nfc = 'incoming/uni/caf\u00e9.wav';
    const nfd = 'incoming/uni/cafe\u0301.wav';
    const { store, pool: admin } = testStore(s3.endpoint);
    await store.put(bucket, nfc, toneWav(1), { contentType: 'audio/wav' });
    await store.put(bucket, nfd, toneWav(2), { contentType: 'audio/wav' });
    const { context, pool } = pipelineContext(s3.endpoint);

    // Act
    await processEvent(context, eventFor(bucket, nfc));
    await processEvent(context, eventFor(bucket, nfd));
    pool.destroy();

    // Assess
    const read = async (key: string) =>
      parseJsonObject(key, (await store.readText(bucket, key, 1 << 20))?.text);
    const fromNfc = await read('results/uni/caf\u00e9.json');
    const fromNfd = await read('results/uni/cafe\u0301.json');
    admin.destroy();
    expect([fromNfc.source.key, fromNfc.audio.durationSec]).toEqual([nfc, 1]);
    expect([fromNfd.source.key, fromNfd.audio.durationSec]).toEqual([nfd, 2]);
  });
});
