/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHandler } from '../../lambdas/align-cpu';
import { createPipelineLogger } from '../../shared/telemetry/pipeline-logger';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../tools/local-s3/local-s3-server';
import { toAwsS3Event } from '../../tools/local-s3/s3-event-adapter';
import { toneWav } from '../shared/pipeline/pipeline-harness';
import { startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

/** A word that appears nowhere but in the transcripts of this test. */
const MARKER = 'quokkamarmalade';

/** Everything written to stdout and stderr while `run` runs (Powertools logs and EMF metrics go there). */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }),
  );
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.join('');
}

describe('privacy: transcript text never reaches logs at INFO and above, nor failure records', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('privacy'));
    const { store, pool } = testStore(s3.endpoint);
    const put = (key: string, body: string | Buffer, metadata?: Record<string, string>) =>
      store.put(bucket, key, body, {
        contentType: 'application/octet-stream',
        metadata,
      });
    // A success, a corrupt audio, an impossible alignment, unknown tokens (strict mode), a broken descriptor
    await put('incoming/p/ok.txt', `hello ${MARKER} world`);
    await put('incoming/p/ok.wav', toneWav(2));
    await put('incoming/p/corrupt.txt', `the ${MARKER} text`);
    await put('incoming/p/corrupt.wav', Buffer.from(`RIFF0000WAVEjunk ${'x'.repeat(64)}`));
    await put('incoming/p/short.txt', `${MARKER} `.repeat(200));
    await put('incoming/p/short.wav', toneWav(0.2));
    await put('incoming/p/unknown.txt', `${MARKER} ☃ ${MARKER}`);
    await put('incoming/p/unknown.wav', toneWav(1));
    await put('incoming/p/descriptor.json', `{"text": "${MARKER}", "formats": ["nope"]}`);
    await put('incoming/p/descriptor.wav', toneWav(1));
    await put('incoming/p/meta.wav', toneWav(0.1), {
      transcript: encodeURIComponent(`${MARKER} `.repeat(100)),
    });
    pool.destroy();
  });

  afterAll(async () => {
    await s3.close();
  });

  const STEMS = ['ok', 'corrupt', 'short', 'unknown', 'descriptor', 'meta'];

  async function runAll(logLevel: 'INFO' | 'DEBUG', prefix: string): Promise<string> {
    const handler = createHandler(
      {
        S3_ENDPOINT: s3.endpoint,
        DECODER_ROBUST_MODE: 'false',
        ACTIVITY_RETRY_MAX: '1',
        RESULTS_PREFIX: `${prefix}-results/`,
        FAILED_PREFIX: `${prefix}-failed/`,
      },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        log: createPipelineLogger('w2v2-align', logLevel),
      },
    );
    return captureOutput(async () => {
      for (const stem of STEMS) {
        const key = `incoming/p/${stem}.wav`;
        const event = toAwsS3Event([
          {
            eventName: 'ObjectCreated:Put',
            eventTime: new Date().toISOString(),
            s3: { bucket: { name: bucket }, object: { key, size: 1 } },
          },
        ]);
        await handler(event);
      }
    });
  }

  async function objects(prefix: string): Promise<Map<string, string>> {
    const { store, pool } = testStore(s3.endpoint);
    const listed = await pool.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const found = new Map<string, string>();
    for (const object of listed.Contents ?? [])
      found.set(object.Key!, (await store.readText(bucket, object.Key!, 1 << 20))!.text);
    pool.destroy();
    return found;
  }

  it('logs no transcript text at INFO, and failure records hold none, across successes and five kinds of failure', async () => {
    // Act
    const output = await runAll('INFO', 'info');

    // Assess
    const records = await objects('info-failed/');
    const codes = [...records.values()].map((text) => JSON.parse(text).error.code).sort();
    expect(codes).toEqual([
      'ALIGNMENT_IMPOSSIBLE',
      'ALIGNMENT_IMPOSSIBLE',
      'AUDIO_DECODE',
      'INVALID_INPUT',
      'UNKNOWN_TOKENS',
    ]);
    for (const text of records.values()) expect(text).not.toContain(MARKER);
    expect(output).toContain('activity succeeded');
    expect(output).toContain('"_aws"');
    expect(output).not.toContain(MARKER);
    expect(output.toUpperCase()).not.toContain(MARKER.toUpperCase());
    expect((await objects('info-results/')).get('info-results/p/ok.json')).toContain(MARKER);
  }, 60_000);

  it('does log the transcript at DEBUG, so the capture above would have seen it', async () => {
    const output = await runAll('DEBUG', 'debug');

    expect(output).toContain(MARKER);
  }, 60_000);
});
