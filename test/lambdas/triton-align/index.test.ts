import { createHandler } from '../../../lambdas/triton-align';
import { AlignError } from '../../../shared/errors';
import type { AcousticModel } from '../../../shared/inference/onnx-acoustic-model';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../tools/local-s3/local-s3-server';
import {
  RecordingTelemetry,
  recordingLog,
  StandInModel,
  toneWav,
} from '../../shared/pipeline/pipeline-harness';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';

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
  const read = async (key: string): Promise<string | undefined> => {
    const { store, pool } = testStore(s3.endpoint);
    try {
      return (await store.readText(bucket, key, 1 << 20))?.text;
    } finally {
      pool.destroy();
    }
  };

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
    const result = JSON.parse((await read('results/gpu/one.json'))!);
    expect(result.model.backend).toBe('triton');
    expect(result.text).toBe('hello there');
    expect(result.warnings).toEqual([]);
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
    expect(JSON.parse((await read('failed/gpu/bad.json'))!).error.code).toBe('AUDIO_DECODE');
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

  it('records a failure the state machine caught, once, with the code read back from the task error', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = build(tritonStandIn(), telemetry);
    const cause = JSON.stringify({
      errorType: 'TransientFailure',
      errorMessage: 'TRITON_UNAVAILABLE: Triton answered 503 four times',
      trace: [],
    });

    // Act
    const recorded = await handler({
      recordFailure: {
        input: { bucket, key: 'incoming/gpu/flaky.wav' },
        failure: { Error: 'TransientFailure', Cause: cause },
        maxAttempts: 4,
      },
    });

    // Assess
    expect(recorded).toEqual({
      code: 'TRITON_UNAVAILABLE',
      message: 'Triton answered 503 four times',
      failureKey: 'failed/gpu/flaky.json',
    });
    const record = JSON.parse((await read('failed/gpu/flaky.json'))!);
    expect(record).toMatchObject({
      error: { code: 'TRITON_UNAVAILABLE' },
      source: { bucket, key: 'incoming/gpu/flaky.wav', etag: expect.any(String) },
      attempt: 5,
    });
    expect(telemetry.failures).toEqual([{ code: 'TRITON_UNAVAILABLE', backend: 'triton' }]);
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
