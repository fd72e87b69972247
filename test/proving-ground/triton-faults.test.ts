/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TritonFaults } from '../../cli/triton-dev-server/dev-faults';
import { startTritonDevServer, type TritonDevServer } from '../../cli/triton-dev-server/dev-server';
import { createHandler } from '../../lambdas/align-cpu';
import { AlignError } from '../../shared/errors';
import { RedeliveryNeededError } from '../../shared/pipeline/process-event';
import { TASK_ERROR_NAMES } from '../../shared/pipeline/workflow-task-errors';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../tools/local-s3/local-s3-server';
import { toAwsS3Event } from '../../tools/local-s3/s3-event-adapter';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../helpers/demo-model';
import { startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

const SAMPLE = 'puppy-tail';

/** What an activity left in the bucket: its result's backend, or its failure record's code. */
interface Ending {
  result?: { backend: string; words: number };
  failure?: { code: string; message: string };
  thrown?: string;
}

describe('Triton faults end to end: the GPU path through the local S3 and the HTTPS stand-in', () => {
  let s3: LocalS3;
  let bucket: string;
  let triton: TritonDevServer;
  let caPath: string;

  beforeAll(async () => {
    [{ s3, bucket }, triton] = await Promise.all([
      startTestS3('triton-faults'),
      startTritonDevServer({ modelDir: DEMO_MODEL_DIR }),
    ]);
    caPath = join(mkdtempSync(join(tmpdir(), 'proving-ca-')), 'ca.pem');
    writeFileSync(caPath, triton.ca);
  });

  afterAll(async () => {
    await triton.close();
    await s3.close();
  });

  function tritonEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      S3_ENDPOINT: s3.endpoint,
      USE_TRITON: 'true',
      TRITON_URL: triton.url,
      TRITON_CA_BUNDLE: caPath,
      TRITON_RETRY_MAX: '3',
      TRITON_TIMEOUT_SEC: '5',
      ACTIVITY_RETRY_MAX: '1',
      S3_RETRY_BASE: '0.001',
      ...extra,
    };
  }

  /** Uploads the sample as `name`, runs its event through a fresh handler with `faults`, and reads what it left. */
  async function runWith(
    name: string,
    faults: TritonFaults,
    env: Record<string, string> = {},
  ): Promise<Ending> {
    const { store, pool } = testStore(s3.endpoint);
    const key = `incoming/triton/${name}.wav`;
    await store.put(
      bucket,
      `incoming/triton/${name}.txt`,
      readFileSync(join(SAMPLES_DIR, `${SAMPLE}.txt`), 'utf8'),
      {
        contentType: 'text/plain',
      },
    );
    await store.put(bucket, key, readFileSync(join(SAMPLES_DIR, `${SAMPLE}.wav`)), {
      contentType: 'audio/wav',
    });
    const handler = createHandler(tritonEnv(env), {
      s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
    });
    Object.assign(
      triton.faults,
      {
        status503Times: 0,
        dropConnectionTimes: 0,
        delayMs: 0,
        truncateBinaryTimes: 0,
        mismatchShapeTimes: 0,
      },
      faults,
    );
    const ending: Ending = {};
    try {
      await handler(
        toAwsS3Event([
          {
            eventName: 'ObjectCreated:Put',
            eventTime: new Date().toISOString(),
            s3: { bucket: { name: bucket }, object: { key, size: 1 } },
          },
        ]),
      );
    } catch (error) {
      // The handler throws it as a TransientFailure (the name every caller retries), caused by the redelivery.
      const transient = error instanceof Error && error.name === TASK_ERROR_NAMES.transient;
      ending.thrown =
        transient && error.cause instanceof RedeliveryNeededError ? 'redelivery' : String(error);
    } finally {
      Object.assign(triton.faults, {
        status503Times: 0,
        dropConnectionTimes: 0,
        delayMs: 0,
        truncateBinaryTimes: 0,
        mismatchShapeTimes: 0,
      });
    }
    const result = await store.readText(bucket, `results/triton/${name}.json`, 1 << 24);
    const failure = await store.readText(bucket, `failed/triton/${name}.json`, 1 << 20);
    pool.destroy();
    if (result !== undefined) {
      const json = JSON.parse(result.text);
      ending.result = { backend: json.model.backend, words: json.words.length };
    }
    if (failure !== undefined) ending.failure = JSON.parse(failure.text).error;
    return ending;
  }

  it.each([
    ['two 503 replies (client retry)', 'unavailable', { status503Times: 2 }, '1'],
    ['a dropped connection (client retry)', 'dropped', { dropConnectionTimes: 1 }, '1'],
    // The client reads a malformed reply as TRITON_UNAVAILABLE without retrying it; the activity retry does.
    ['a truncated binary reply (activity retry)', 'truncated', { truncateBinaryTimes: 1 }, '2'],
    [
      'a reply whose shape disagrees with its bytes (activity retry)',
      'mismatched',
      { mismatchShapeTimes: 1 },
      '2',
    ],
  ] as const)(
    'recovers from %s, and writes the Triton result',
    async (_name, file, faults, activityTries) => {
      const ending = await runWith(file, faults, { ACTIVITY_RETRY_MAX: activityTries });

      expect(ending).toEqual({ result: { backend: 'triton', words: expect.any(Number) } });
      expect(ending.result?.words).toBeGreaterThan(0);
    },
    60_000,
  );

  it.each([
    ['503 on every try', 'down', { status503Times: 1000 }, {}],
    ['replies slower than TRITON_TIMEOUT_SEC', 'slow', { delayMs: 1500 }, { TRITON_TIMEOUT_SEC: '0.3' }],
    ['truncated replies on every try', 'broken', { truncateBinaryTimes: 1000 }, {}],
  ] as const)(
    'ends %s as a TRITON_UNAVAILABLE failure record, redelivered as transient',
    async (_name, file, faults, env) => {
      const ending = await runWith(file, faults, env);

      expect(ending.result).toBeUndefined();
      expect(ending.failure?.code).toBe('TRITON_UNAVAILABLE');
      expect(ending.failure?.message.length).toBeGreaterThan(20);
      expect(ending.thrown).toBe('redelivery');
    },
    60_000,
  );

  it('serves no plain HTTP: a request without TLS gets no Triton answer', async () => {
    const plain = triton.url.replace('https://', 'http://');

    const answer = await new Promise<string>((resolve) => {
      const request = get(`${plain}/v2/health/ready`, (response) => resolve(`status ${response.statusCode}`));
      request.on('error', (error) => resolve(`error ${error.message}`));
      request.setTimeout(5000, () => request.destroy(new Error('timeout')));
    });

    expect(answer).not.toBe('status 200');
  });

  it('refuses a plain http:// Triton URL at startup with a CONFIG error naming TRITON_URL', () => {
    const start = () => createHandler(tritonEnv({ TRITON_URL: triton.url.replace('https://', 'http://') }));

    expect(start).toThrow(AlignError);
    expect(start).toThrow(/TRITON_URL/);
  });

  it('refuses the stand-in when its certificate is not trusted: a permanent CONFIG failure record naming the fix', async () => {
    const ending = await runWith('untrusted', {}, { TRITON_CA_BUNDLE: '' });

    expect(ending.result).toBeUndefined();
    expect(ending.failure?.code).toBe('CONFIG');
    expect(ending.thrown).toBeUndefined();
    expect(ending.failure?.message).toMatch(/certificate.*TRITON_CA_BUNDLE/);
  }, 60_000);
});
