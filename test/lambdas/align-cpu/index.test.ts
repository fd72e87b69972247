import { createHandler } from '../../../lambdas/align-cpu';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../tools/local-s3/local-s3-server';
import { parseJsonObject } from '../../helpers/json-object';
import {
  RecordingTelemetry,
  recordingLog,
  StandInModel,
  toneWav,
} from '../../shared/pipeline/pipeline-harness';
import { emfProblems } from '../../shared/telemetry/emf-rules';
import { readTestObject, startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';

describe('align-cpu Lambda handler', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3());
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/lambda/one.wav', toneWav(1), { contentType: 'audio/wav' });
    await store.put(bucket, 'incoming/lambda/one.txt', 'hello there', { contentType: 'text/plain' });
    await store.put(bucket, 'incoming/lambda/flaky.wav', toneWav(0.5), { contentType: 'audio/wav' });
    pool.destroy();
  });

  const read = (key: string): Promise<string | undefined> => readTestObject(s3.endpoint, bucket, key);
  const readJson = async (key: string) => parseJsonObject(key, await read(key));
  const recorder = (telemetry: RecordingTelemetry, env: Record<string, string> = {}) =>
    createHandler(
      { S3_ENDPOINT: s3.endpoint, S3_RETRY_BASE: '0.001', S3_RETRY_MAX_BACKOFF: '0.01', ...env },
      { s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS }, log: recordingLog(), telemetry },
    );
  /** The RecordFailure request for flaky.wav after Triton's branch spent its retries. */
  const flakyGaveUpOnTriton = () => ({
    recordFailure: {
      input: { bucket, key: 'incoming/lambda/flaky.wav' },
      failure: tritonGaveUp,
      maxAttempts: 4,
      backend: 'triton',
    },
  });
  const tritonGaveUp = {
    Error: 'TransientFailure',
    Cause: JSON.stringify({
      errorType: 'TransientFailure',
      errorMessage: 'TRITON_UNAVAILABLE: Triton answered 503 four times',
      trace: [],
    }),
  };

  afterAll(async () => {
    await s3.close();
  });

  it('answers an SQS batch with a partial batch response and writes the result, loading the model once', async () => {
    // Prepare
    const model = new StandInModel();
    let loads = 0;
    const telemetry = new RecordingTelemetry();
    const handler = createHandler(
      { S3_ENDPOINT: s3.endpoint, RESULTS_BUCKET: bucket, OUTPUT_FORMATS: 'json' },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        model: async () => {
          loads++;
          return model;
        },
        log: recordingLog(),
        telemetry,
      },
    );
    const message = (id: string, key: string) => ({
      messageId: id,
      eventSource: 'aws:sqs',
      body: JSON.stringify({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: bucket }, object: { key } },
          },
        ],
      }),
    });

    // Act
    const first = await handler({ Records: [message('a', 'incoming/lambda/one.wav')] });
    const second = await handler({
      Records: [message('b', 'incoming/lambda/one.txt'), message('c', 'incoming/lambda/x.png')],
    });

    // Assess
    expect(first).toEqual({ batchItemFailures: [] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(telemetry.successes).toHaveLength(1);
    expect(loads).toBe(1);
    const { store, pool } = testStore(s3.endpoint);
    const result = await store.readText(bucket, 'results/lambda/one.json', 1 << 20);
    pool.destroy();
    expect(parseJsonObject('results/lambda/one.json', result?.text)).toMatchObject({
      mode: 'align',
      text: 'hello there',
    });
  });

  it('emits valid EMF for every activity, failure metrics included, when no sink is overridden', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/emf/bad.wav', Buffer.from('definitely not audio'), {
      contentType: 'audio/wav',
    });
    await store.put(bucket, 'incoming/emf/good.wav', toneWav(0.5), { contentType: 'audio/wav' });
    pool.destroy();
    const handler = createHandler(
      { S3_ENDPOINT: s3.endpoint, METRICS_NAMESPACE: 'W2V2AlignTest' },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        model: async () => new StandInModel(),
        log: recordingLog(),
      },
    );
    const record = (key: string) => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: bucket }, object: { key } },
    });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    try {
      await handler({ Records: [record('incoming/emf/bad.wav'), record('incoming/emf/good.wav')] });
    } finally {
      spy.mockRestore();
    }

    // Assess
    const emf = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"_aws"'));
    expect(emf).toHaveLength(2);
    for (const line of emf) expect(emfProblems(line)).toEqual([]);
    const docs = emf.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs.map((doc) => doc.ActivitySuccess).sort()).toEqual([0, 1]);
    expect(docs.find((doc) => doc.ActivitySuccess === 0)).toMatchObject({
      AlignFailure: 1,
      Error_AUDIO_DECODE: 1,
    });
  });

  it("records a failure the state machine caught on Triton's branch, once, with the code read back from the task error", async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = recorder(telemetry);

    // Act
    const recorded = await handler(flakyGaveUpOnTriton());

    // Assess
    expect(recorded).toEqual({
      code: 'TRITON_UNAVAILABLE',
      message: 'Triton answered 503 four times',
      failureKey: 'failed/lambda/flaky.json',
    });
    const record = await readJson('failed/lambda/flaky.json');
    expect(record).toMatchObject({
      error: { code: 'TRITON_UNAVAILABLE' },
      source: { bucket, key: 'incoming/lambda/flaky.wav', etag: expect.any(String) },
      attempt: 5,
    });
    expect(telemetry.failures).toEqual([{ code: 'TRITON_UNAVAILABLE', backend: 'triton' }]);
  });

  it('counts a failure whose record S3 refuses as lost, once, and answers its code instead of throwing', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const handler = recorder(telemetry, { RESULTS_BUCKET: 'no-such-bucket', S3_RETRY_MAX: '2' });

    // Act
    const recorded = await handler(flakyGaveUpOnTriton());

    // Assess
    expect(recorded).toEqual({ code: 'TRITON_UNAVAILABLE', message: 'Triton answered 503 four times' });
    expect(telemetry.failures).toEqual([{ code: 'TRITON_UNAVAILABLE', backend: 'triton', recordLost: true }]);
  });

  it('refuses a malformed RecordFailure request as a PermanentFailure naming the shape it expects', async () => {
    // Prepare
    const handler = recorder(new RecordingTelemetry());

    // Act
    const answered = handler({ recordFailure: { input: {}, failure: tritonGaveUp, maxAttempts: 4 } });

    // Assess
    await expect(answered).rejects.toMatchObject({
      name: 'PermanentFailure',
      message: expect.stringMatching(/^INVALID_INPUT: expected \{"recordFailure".*backend: Invalid option/),
    });
  });

  it('logs one warning per setting that has no effect, at cold start and not again per invocation', async () => {
    // Prepare
    const log = recordingLog();
    const handler = createHandler(
      { S3_ENDPOINT: s3.endpoint, CUDA_EMPTY_CACHE: 'true', S3_USE_HEAD_FOR_PROGRESS: 'true' },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        log,
        telemetry: new RecordingTelemetry(),
      },
    );

    const ignored = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: bucket }, object: { key: 'incoming/lambda/x.png' } },
        },
      ],
    };

    // Act
    await handler(ignored);
    await handler(ignored);

    // Assess
    const warnings = log.lines
      .filter((line) => line.level === 'warn' && line.message.includes('has no effect'))
      .map((line) => line.message);
    expect(warnings).toEqual([
      expect.stringMatching(/^CUDA_EMPTY_CACHE has no effect: /),
      expect.stringMatching(/^S3_USE_HEAD_FOR_PROGRESS has no effect: /),
    ]);
  });

  it('loads with a bad configuration and fails every invocation with CONFIG naming the variable', async () => {
    // Prepare
    const saved = process.env.S3_RETRY_MAX;
    process.env.S3_RETRY_MAX = 'many';

    // Act
    let module: typeof import('../../../lambdas/align-cpu') | undefined;
    try {
      jest.isolateModules(() => {
        module = require('../../../lambdas/align-cpu');
      });
    } finally {
      if (saved === undefined) delete process.env.S3_RETRY_MAX;
      else process.env.S3_RETRY_MAX = saved;
    }

    // Assess
    await expect(module?.handler({ Records: [] })).rejects.toMatchObject({
      name: 'PermanentFailure',
      message: expect.stringMatching(/^CONFIG: S3_RETRY_MAX/),
    });
  });

  it('fails at cold start with a message naming an invalid variable', () => {
    expect(() => createHandler({ PIPELINE_MAX_CONCURRENCY: 'many' })).toThrow('PIPELINE_MAX_CONCURRENCY');
  });

  it('refuses an event of an unknown shape with the expected shapes', async () => {
    const handler = createHandler(
      { S3_ENDPOINT: s3.endpoint },
      { log: recordingLog(), telemetry: new RecordingTelemetry() },
    );

    await expect(handler({ hello: 'world' })).rejects.toThrow('expected an S3 event notification');
  });
});
