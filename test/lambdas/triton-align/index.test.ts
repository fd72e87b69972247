/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { createHandler } from '../../../lambdas/triton-align';
import { AlignError } from '../../../shared/errors';
import type { AcousticModel } from '../../../shared/inference/acoustic-model';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../tools/local-s3/local-s3-server';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';
import { parseJsonObject } from '../../helpers/json-object';
import {
  RecordingTelemetry,
  recordingLog,
  StandInModel,
  toneWav,
} from '../../shared/pipeline/pipeline-harness';
import { readTestObject, startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';

/** The stand-in model, answering as the Triton backend. */
function tritonStandIn(fail?: () => never): AcousticModel {
  const inner = new StandInModel();
  return {
    spec: inner.spec,
    backend: 'triton',
    quantized: false,
    logProbs: (samples) => (fail === undefined ? inner.logProbs(samples) : Promise.resolve().then(fail)),
  };
}

describe('triton-align Lambda handler', () => {
  let s3: LocalS3;
  let bucket: string;

  const env = (): Record<string, string> => ({
    S3_ENDPOINT: s3.endpoint,
    S3_RETRY_BASE: '0.001',
    S3_RETRY_MAX_BACKOFF: '0.01',
    OUTPUT_FORMATS: 'json',
    TRITON_URL: 'https://triton.invalid:8000',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:never-used',
  });
  const build = (model: AcousticModel, telemetry = new RecordingTelemetry()) =>
    createHandler(env(), {
      s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
      model: async () => model,
      log: recordingLog(),
      telemetry,
    });
  const read = (key: string): Promise<string | undefined> => readTestObject(s3.endpoint, bucket, key);
  const readJson = async (key: string) => parseJsonObject(key, await read(key));

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3());
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/gpu/one.wav', toneWav(1), { contentType: 'audio/wav' });
    await store.put(bucket, 'incoming/gpu/one.txt', 'hello there', { contentType: 'text/plain' });
    await store.put(bucket, 'incoming/gpu/bad.wav', Buffer.from('not audio at all'), {
      contentType: 'audio/wav',
    });
    await store.put(bucket, 'incoming/gpu/flaky.wav', toneWav(0.5), { contentType: 'audio/wav' });
    pool.destroy();
  });

  afterAll(async () => {
    await s3.close();
  });

  it('aligns the file on the Triton backend without handing it off again, and answers its outcome', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = build(tritonStandIn(), telemetry);

    // Act
    const outcome = await handler({ bucket, key: 'incoming/gpu/one.wav' });

    // Assess
    expect(outcome).toEqual({
      status: 'succeeded',
      key: 'incoming/gpu/one.wav',
      resultKey: 'results/gpu/one.json',
    });
    const result = await readJson('results/gpu/one.json');
    expect(result.model.backend).toBe('triton');
    expect(result.text).toBe('hello there');
    // The stand-in's flat emissions fit no transcript; nothing else is said (no large-file routing).
    expect(result.warnings).toEqual([expect.stringMatching(/^alignment looks wrong /)]);
    expect(telemetry.successes).toHaveLength(1);
  });

  it('answers a permanent failure as a typed outcome after writing its failure record and triton metrics', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = build(tritonStandIn(), telemetry);

    // Act
    const outcome = await handler({ bucket, key: 'incoming/gpu/bad.wav' });

    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'AUDIO_DECODE' },
      failureKey: 'failed/gpu/bad.json',
    });
    expect((await readJson('failed/gpu/bad.json')).error.code).toBe('AUDIO_DECODE');
    expect(telemetry.failures).toEqual([{ code: 'AUDIO_DECODE', backend: 'triton' }]);
  });

  it('throws a TransientFailure naming the code when Triton stays unavailable, leaving the record to the state machine', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = build(
      tritonStandIn(() => {
        throw new AlignError('TRITON_UNAVAILABLE', 'Triton answered 503', { retryable: true });
      }),
      telemetry,
    );

    // Act
    const outcome = handler({ bucket, key: 'incoming/gpu/flaky.wav' });

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'TransientFailure',
      message: expect.stringMatching(/^TRITON_UNAVAILABLE: .*Triton answered 503/),
    });
    expect(await read('failed/gpu/flaky.json')).toBeUndefined();
    expect(telemetry.failures).toEqual([]);
  });

  it('refuses an event of another shape as a PermanentFailure with INVALID_INPUT', async () => {
    const handler = build(tritonStandIn());

    await expect(handler({ bucket, key: 'incoming/gpu/one.wav', colour: 'red' })).rejects.toMatchObject({
      name: 'PermanentFailure',
      message: expect.stringMatching(/^INVALID_INPUT: expected the state machine input/),
    });
  });

  it('fails at cold start when TRITON_URL is missing', () => {
    expect(() => createHandler({ S3_ENDPOINT: 'http://127.0.0.1:1' })).toThrow('TRITON_URL');
  });
});

describe('triton-align Lambda readiness probe', () => {
  let triton: TritonDevServer;
  let caBundle: string;
  let modelLoads: number;

  beforeAll(async () => {
    triton = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
    caBundle = join(mkdtempSync(join(tmpdir(), 'triton-probe-')), 'ca.pem');
    writeFileSync(caBundle, triton.ca);
  });

  beforeEach(() => {
    modelLoads = 0;
  });

  afterAll(async () => {
    await triton.close();
  });

  const build = (env: Record<string, string> = {}) =>
    createHandler(
      {
        S3_ENDPOINT: 'http://127.0.0.1:1',
        S3_WARM_CLIENTS: '0',
        TRITON_URL: triton.url,
        TRITON_CA_BUNDLE: caBundle,
        ...env,
      },
      {
        model: async () => {
          modelLoads++;
          return tritonStandIn();
        },
        log: recordingLog(),
        telemetry: new RecordingTelemetry(),
      },
    );

  it('answers ready when Triton serves the model, loading no model', async () => {
    // Prepare
    const handler = build();

    // Act
    const answer = await handler({ probe: 'triton-ready' });

    // Assess
    expect(answer).toEqual({
      ready: true,
      detail: expect.stringMatching(/^Triton server and model "w2v2" ready/),
    });
    expect(modelLoads).toBe(0);
  });

  it('answers not ready, without throwing, while Triton is cold, and ready on a later poll', async () => {
    // Prepare
    const handler = build();
    triton.faults.notReadyTimes = 1;

    // Act
    const first = await handler({ probe: 'triton-ready' });
    const second = await handler({ probe: 'triton-ready' });

    // Assess
    expect(first).toEqual({
      ready: false,
      detail: expect.stringMatching(/HTTP 503 \(Server is not ready\)$/),
    });
    expect(second).toMatchObject({ ready: true });
  });

  it('answers not ready when nothing listens at TRITON_URL', async () => {
    // Prepare
    const handler = build({ TRITON_URL: 'https://127.0.0.1:1' });

    // Act
    const answer = await handler({ probe: 'triton-ready' });

    // Assess
    expect(answer).toEqual({ ready: false, detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('answers not ready for a TRITON_MODEL the server does not serve', async () => {
    // Prepare
    const handler = build({ TRITON_MODEL: 'w2v2-large' });

    // Act
    const answer = await handler({ probe: 'triton-ready' });

    // Assess
    expect(answer).toEqual({
      ready: false,
      detail: expect.stringMatching(/^model "w2v2-large" not ready: .*HTTP 404/),
    });
  });

  it('throws a PermanentFailure with CONFIG when the CA bundle cannot be read, as for the other events', async () => {
    // Prepare
    const handler = build({ TRITON_CA_BUNDLE: join(tmpdir(), 'no-such-dir', 'ca.pem') });

    // Act
    const answer = handler({ probe: 'triton-ready' });

    // Assess
    await expect(answer).rejects.toMatchObject({
      name: 'PermanentFailure',
      message: expect.stringMatching(/^CONFIG: TRITON_CA_BUNDLE .* cannot be read/),
    });
  });

  it('refuses a probe of another kind, naming the probe it answers', async () => {
    // Prepare
    const handler = build();

    // Act
    const answer = handler({ probe: 'cpu-ready' });

    // Assess
    await expect(answer).rejects.toMatchObject({
      name: 'PermanentFailure',
      message: expect.stringMatching(/^INVALID_INPUT: .*\{"probe": "triton-ready"\}/),
    });
  });
});
