import type { S3Event } from 'aws-lambda';
import type { Emissions } from '../../../shared/align/emissions';
import { decodeEventKey } from '../../../shared/events/object-events';
import { keyDigest } from '../../../shared/pipeline/activity-layout';
import { handleEvent, processEvent, RedeliveryNeededError } from '../../../shared/pipeline/process-event';
import { type FaultProxy, startFaultProxy } from '../../../tools/local-s3/fault-proxy';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { parseJsonObject } from '../../helpers/json-object';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { pipelineContext, StandInModel, toneWav } from './pipeline-harness';

const TEXT = 'the quick brown fox';

/**
 * A stand-in model (40 ms an inference) that holds each call until a second one has arrived to run beside
 * it, or until every expected call has arrived: two activities are then in the model at once by
 * construction, whatever the machine's load does to their timing.
 */
class PairingModel extends StandInModel {
  private arrived = 0;
  private lone: (() => void) | undefined;

  public constructor(private readonly expectedCalls: number) {
    super(40);
  }

  public override async logProbs(samples: Float32Array): Promise<Emissions> {
    this.arrived++;
    await new Promise<void>((resolve) => {
      const partner = this.lone;
      if (partner === undefined && this.arrived < this.expectedCalls) {
        this.lone = resolve;
        return;
      }
      this.lone = undefined;
      partner?.();
      resolve();
    });
    return super.logProbs(samples);
  }
}

describe('processEvent against a local S3 server', () => {
  let s3: LocalS3;
  let bucket: string;
  let events: S3Event[];
  let proxy: FaultProxy;
  const admin = (): ReturnType<typeof testStore> => testStore(s3.endpoint);

  beforeAll(async () => {
    ({ s3, bucket, events } = await startTestS3());
    proxy = await startFaultProxy(s3.endpoint);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
  });

  /** Uploads an object and returns the AWS-shaped event the server emitted for it. */
  async function upload(
    key: string,
    body: string | Buffer,
    metadata?: Record<string, string>,
  ): Promise<S3Event> {
    const { store, pool } = admin();
    await store.put(bucket, key, body, {
      contentType: 'application/octet-stream',
      metadata,
    });
    pool.destroy();
    const event = [...events].reverse().find((e) => decodeEventKey(e.Records[0]!.s3.object.key) === key);
    if (event === undefined) throw new Error(`no event for ${key}`);
    return event;
  }

  async function read(key: string): Promise<string | undefined> {
    const { store, pool } = admin();
    const found = await store.readText(bucket, key, 10 * 1024 * 1024);
    pool.destroy();
    return found?.text;
  }

  async function readJson(key: string) {
    return parseJsonObject(key, await read(key));
  }

  it('aligns audio to its .txt transcript and writes the JSON result and every format', async () => {
    // Prepare
    await upload('incoming/happy/a.txt', TEXT);
    const event = await upload('incoming/happy/a.wav', toneWav(2));
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    const json = await readJson('results/happy/a.json');
    expect(json).toMatchObject({
      version: 1,
      mode: 'align',
      text: TEXT,
      source: { bucket, key: 'incoming/happy/a.wav' },
    });
    expect(json.source.transcriptKey).toBe('incoming/happy/a.txt');
    expect(json.words.map((w: { word: string }) => w.word)).toEqual(TEXT.split(' '));
    expect(await read('results/happy/a.TextGrid')).toContain('File type = "ooTextFile"');
    expect(await read('results/happy/a.vtt')).toMatch(/^WEBVTT/);
    expect(await read('results/happy/a.srt')).toContain('-->');
    expect((await read('results/happy/a.ctm'))?.trim().split('\n')).toHaveLength(4);
    expect(telemetry.successes).toHaveLength(1);
  });

  it('writes only the formats the activity descriptor asks for, plus the JSON', async () => {
    await upload('incoming/desc/b.json', JSON.stringify({ text: TEXT, formats: ['vtt'] }));
    const event = await upload('incoming/desc/b.wav', toneWav(2));
    const { context, pool } = pipelineContext(s3.endpoint);

    await processEvent(context, event);
    pool.destroy();

    expect((await readJson('results/desc/b.json')).source.transcriptKey).toBe('incoming/desc/b.json');
    expect(await read('results/desc/b.vtt')).toMatch(/^WEBVTT/);
    expect(await read('results/desc/b.srt')).toBeUndefined();
  });

  it('runs transcribe mode without a transcript, then aligns when the transcript arrives later', async () => {
    // Prepare
    const audioEvent = await upload('incoming/late/c.wav', toneWav(2));
    const { context, pool } = pipelineContext(s3.endpoint);

    // Act
    await processEvent(context, audioEvent);
    const before = await readJson('results/late/c.json');
    const transcriptEvent = await upload('incoming/late/c.txt', TEXT);
    const after = await processEvent(context, transcriptEvent);
    pool.destroy();

    // Assess
    expect(before.mode).toBe('transcribe');
    expect(after.outcomes.map((o) => [o.status, o.key])).toEqual([['succeeded', 'incoming/late/c.wav']]);
    expect((await readJson('results/late/c.json')).mode).toBe('align');
  });

  it('uses the x-amz-meta-transcript metadata when there is no transcript object', async () => {
    const event = await upload('incoming/meta/d.wav', toneWav(2), {
      transcript: encodeURIComponent('héllo wörld'),
    });
    const { context, pool } = pipelineContext(s3.endpoint);

    await processEvent(context, event);
    pool.destroy();

    const json = await readJson('results/meta/d.json');
    expect(json.mode).toBe('align');
    expect(json.text).toBe('héllo wörld');
  });

  it('does no inference for a duplicate event when the result is up to date', async () => {
    // Prepare
    await upload('incoming/dup/e.txt', TEXT);
    const event = await upload('incoming/dup/e.wav', toneWav(1));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);

    // Act
    const first = await processEvent(context, event);
    const second = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(first.outcomes[0]?.status).toBe('succeeded');
    expect(second.outcomes[0]?.status).toBe('skipped');
    expect(model.calls).toBe(1);
  });

  it('aligns an audio once when its upload and its transcript arrive in one batch', async () => {
    // Prepare
    const transcriptEvent = await upload('incoming/batch/k.txt', TEXT);
    const audioEvent = await upload('incoming/batch/k.wav', toneWav(1));
    const model = new StandInModel(20);
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);

    // Act
    const result = await processEvent(context, {
      Records: [...audioEvent.Records, ...transcriptEvent.Records],
    });
    pool.destroy();

    // Assess
    expect(result.outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(model.calls).toBe(1);
  });

  it.each([
    ['spaces', 'incoming/with space/my file.wav', 'results/with space/my file.json'],
    ['a plus sign', 'incoming/c++/a+b.wav', 'results/c++/a+b.json'],
    ['unicode', 'incoming/ünï/日本語 テスト.wav', 'results/ünï/日本語 テスト.json'],
    ['deep nesting', 'incoming/a/b/c/d/e.wav', 'results/a/b/c/d/e.json'],
  ])('handles keys with %s', async (_name, key, expectedResult) => {
    const event = await upload(key, toneWav(1));
    const { context, pool } = pipelineContext(s3.endpoint);

    const result = await processEvent(context, event);
    pool.destroy();

    expect(result.outcomes[0]?.status).toBe('succeeded');
    expect((await readJson(expectedResult)).source.key).toBe(key);
  });

  it('records corrupt audio as a failure with failure metrics, leaving the input untouched', async () => {
    // Prepare
    const corrupt = Buffer.concat([
      Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunk'),
      Buffer.alloc(64, 0xff),
    ]);
    const event = await upload('incoming/bad/f.wav', corrupt);
    const { store, pool: adminPool } = admin();
    const headBefore = await store.head(bucket, 'incoming/bad/f.wav');
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);

    // Act
    const result = await handleEvent(context, event);
    pool.destroy();

    // Assess
    expect(result).toBeUndefined();
    const record = await readJson('failed/bad/f.json');
    expect(record).toMatchObject({
      error: { code: 'AUDIO_DECODE' },
      source: { bucket, key: 'incoming/bad/f.wav', etag: headBefore?.etag },
      attempt: 1,
      at: '2026-01-02T03:04:05.000Z',
    });
    expect(record.error.message.length).toBeGreaterThan(10);
    expect(telemetry.failures).toEqual([{ code: 'AUDIO_DECODE', backend: 'cpu' }]);
    expect(await store.head(bucket, 'incoming/bad/f.wav')).toEqual(headBefore);
    expect(await read('results/bad/f.json')).toBeUndefined();
    adminPool.destroy();
  });

  it('rejects hostile keys with a failure record under a hashed name', async () => {
    // Prepare
    const event = await upload('incoming/x/../../secret.wav', toneWav(1));
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    const outcome = result.outcomes[0];
    expect(outcome).toMatchObject({ status: 'failed', retryable: false });
    const failureKey = outcome?.status === 'failed' ? outcome.failureKey : undefined;
    expect(failureKey).toMatch(/^failed\/_rejected\/[0-9a-f]{40}\.json$/);
    expect((await readJson(failureKey!)).error.code).toBe('INVALID_INPUT');
    expect(telemetry.failures).toHaveLength(1);
  });

  it('ignores non-audio files and the pipeline outputs, and rejects keys outside the incoming prefix', async () => {
    // Prepare
    const outside = await upload('elsewhere/g.wav', toneWav(1));
    const other = await upload('incoming/notes/g.pdf', 'x');
    const own = await upload('results/notes/g.json', '{}');
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);

    // Act
    const results = [
      await processEvent(context, outside),
      await processEvent(context, other),
      await processEvent(context, own),
    ];
    pool.destroy();

    // Assess
    expect(results.flatMap((r) => r.outcomes.map((o) => o.status))).toEqual(['failed', 'skipped', 'skipped']);
    const rejected = results[0]?.outcomes[0];
    expect(rejected?.status === 'failed' && rejected.failureKey).toMatch(/^failed\/_rejected\//);
    expect(telemetry.failures).toEqual([{ code: 'INVALID_INPUT', backend: 'cpu' }]);
    expect(telemetry.successes).toEqual([]);
  });

  it('ignores a folder marker (a zero-byte key ending in "/") with a debug line, recording no failure', async () => {
    // Prepare
    const event = await upload('incoming/z/folder/', '');
    const { context, telemetry, log, pool } = pipelineContext(s3.endpoint);

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes).toEqual([
      expect.objectContaining({ status: 'skipped', reason: expect.stringContaining('folder marker') }),
    ]);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'debug', message: 'key ignored' })]);
    expect(telemetry.failures).toEqual([]);
    expect(await read(`failed/_rejected/${keyDigest('incoming/z/folder/')}.json`)).toBeUndefined();
  });

  it("reruns for a transcript only the audio whose result keys fit, as each audio's own event did", async () => {
    // Prepare: results/<stem>.flac.TextGrid is 1025 bytes, one too many; results/<stem>.TextGrid fits.
    const stem = `long/${['n', 'n', 'n', 'n', ''].map((last) => 'n'.repeat(198) + last).join('/')}`;
    expect(Buffer.byteLength(`results/${stem}.flac.TextGrid`)).toBe(1025);
    await upload(`incoming/${stem}.wav`, toneWav(1));
    await upload(`incoming/${stem}.flac`, toneWav(1));
    const event = await upload(`incoming/${stem}.txt`, TEXT);
    const { context, telemetry, pool } = pipelineContext(s3.endpoint);

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes.map((outcome) => [outcome.key, outcome.status])).toEqual([
      [`incoming/${stem}.wav`, 'succeeded'],
    ]);
    expect(telemetry.failures).toEqual([]);
  });

  it('retries injected throttling, 5xx and connection resets and succeeds', async () => {
    // Prepare
    await upload('incoming/flaky/h.txt', TEXT);
    const event = await upload('incoming/flaky/h.wav', toneWav(1));
    const { context, pool } = pipelineContext(proxy.endpoint, { S3_RETRY_MAX: '4' });
    const faultsBefore = proxy.stats.faults;
    proxy.inject(['throttle', 'reset'], 'GET');
    proxy.inject(['server-error', 'throttle'], 'PUT');

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    expect(proxy.stats.faults - faultsBefore).toBe(4);
    expect((await readJson('results/flaky/h.json')).mode).toBe('align');
  });

  it('never runs more activities at once than PIPELINE_MAX_CONCURRENCY', async () => {
    // Prepare
    const uploaded = [];
    for (let i = 0; i < 6; i++) uploaded.push(await upload(`incoming/many/${i}.wav`, toneWav(0.5)));
    const event: S3Event = { Records: uploaded.flatMap((e) => e.Records) };
    const model = new PairingModel(6);
    const { context, pool } = pipelineContext(s3.endpoint, { PIPELINE_MAX_CONCURRENCY: '2' }, model);

    // Act
    const result = await processEvent(context, event);
    pool.destroy();

    // Assess
    expect(result.outcomes.filter((o) => o.status === 'succeeded')).toHaveLength(6);
    expect(model.calls).toBe(6);
    expect(model.peakInFlight).toBe(2);
  });

  it('reports only transient SQS failures as batch item failures', async () => {
    // Prepare
    const good = await upload('incoming/sqs/ok.wav', toneWav(0.5));
    const bad = await upload('incoming/sqs/bad.wav', Buffer.from('not audio at all, not even close'));
    const sqs = (id: string, body: S3Event) => ({
      messageId: id,
      eventSource: 'aws:sqs',
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1' },
    });
    const event = { Records: [sqs('m-good', good), sqs('m-bad', bad)] };
    const { context, pool } = pipelineContext(s3.endpoint);
    const flaky = pipelineContext(proxy.endpoint, { S3_RETRY_MAX: '1', ACTIVITY_RETRY_MAX: '2' });
    proxy.inject(Array.from({ length: 40 }, () => 'server-error' as const));

    // Act
    const permanentOnly = await handleEvent(context, event);
    const transient = await handleEvent(flaky.context, { Records: [sqs('m-flaky', good)] });
    proxy.clear();
    pool.destroy();
    flaky.pool.destroy();

    // Assess
    expect(permanentOnly).toEqual({ batchItemFailures: [] });
    expect(transient).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-flaky' }] });
  });

  it('reruns one file from the rerun input: forced, with an explicit transcript, answering its outcome', async () => {
    // Prepare
    await upload('incoming/rerun/j.txt', 'first text');
    await upload('incoming/rerun/j-other.txt', 'other text');
    const audioEvent = await upload('incoming/rerun/j.wav', toneWav(1));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);
    await processEvent(context, audioEvent);

    // Act
    const rerun = await handleEvent(context, {
      bucket,
      key: 'incoming/rerun/j.wav',
      transcriptKey: 'incoming/rerun/j-other.txt',
      force: true,
    });
    const missing = await handleEvent(context, {
      bucket,
      key: 'incoming/rerun/j.wav',
      transcriptKey: 'incoming/rerun/none.txt',
    });
    pool.destroy();

    // Assess
    expect(rerun).toEqual({
      status: 'succeeded',
      key: 'incoming/rerun/j.wav',
      resultKey: 'results/rerun/j.json',
    });
    expect((await readJson('results/rerun/j.json')).text).toBe('other text');
    expect(model.calls).toBe(2);
    expect(missing).toMatchObject({
      status: 'failed',
      error: { code: 'INVALID_INPUT' },
      failureKey: 'failed/rerun/j.json',
    });
  });

  it('throws for a direct S3 event whose activity failed transiently, so Lambda retries it', async () => {
    const event = await upload('incoming/retry/i.wav', toneWav(0.5));
    const flaky = pipelineContext(proxy.endpoint, { S3_RETRY_MAX: '1', ACTIVITY_RETRY_MAX: '2' });
    proxy.inject(Array.from({ length: 40 }, () => 'server-error' as const));

    const attempt = handleEvent(flaky.context, event);

    await expect(attempt).rejects.toBeInstanceOf(RedeliveryNeededError);
    proxy.clear();
    flaky.pool.destroy();
  });
});
