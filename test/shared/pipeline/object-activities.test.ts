import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { OutputFormat } from '../../../shared/output/result';
import type { ActivityOutcome } from '../../../shared/pipeline/activity-outcome';
import { type ObjectContext, processObject } from '../../../shared/pipeline/object-activities';
import type { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import { parseJsonObject } from '../../helpers/json-object';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import {
  FOLDER_INPUT,
  folderPipelineContext,
  pipelineContext,
  type RecordingTelemetry,
  StandInModel,
  toneWav,
} from './pipeline-harness';

/** One store as the tests see it: where it lays out an activity's files, and direct access to them. */
interface StoreFixture {
  bucket: string;
  audioKey(stem: string): string;
  inputKey(stem: string, extension: string): string;
  resultKey(stem: string, extension: string): string;
  failureKey(stem: string): string;
  rejectedRecord: RegExp;
  hostileKey: string;
  /** The `source` fields naming an audio and its transcript. */
  source(audioKey: string, transcriptKey: string): Record<string, string>;
  keepsMetadata: boolean;
  context(options: { formats: OutputFormat[]; model: StandInModel; unwritableResults?: boolean }): {
    context: ObjectContext;
    telemetry: RecordingTelemetry;
  };
  put(key: string, body: string | Buffer, metadata?: Record<string, string>): Promise<void>;
  read(key: string): Promise<string | undefined>;
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

/** The S3 store on the local S3 server: `incoming/` → `results/`, `failed/`. */
async function s3Fixture(): Promise<StoreFixture> {
  const { s3, bucket } = await startTestS3('two-stores');
  const admin = testStore(s3.endpoint);
  const pools: S3ClientPool[] = [admin.pool];
  return {
    bucket,
    audioKey: (stem) => `incoming/${stem}.wav`,
    inputKey: (stem, extension) => `incoming/${stem}.${extension}`,
    resultKey: (stem, extension) => `results/${stem}.${extension}`,
    failureKey: (stem) => `failed/${stem}.json`,
    rejectedRecord: /^failed\/_rejected\/[0-9a-f]{40}\.json$/,
    hostileKey: 'incoming/../escape.wav',
    source: (key, transcriptKey) => ({ bucket, key, transcriptKey }),
    keepsMetadata: true,
    context({ formats, model, unwritableResults }) {
      const env = {
        OUTPUT_FORMATS: formats.join(','),
        ...(unwritableResults === true ? { RESULTS_BUCKET: 'no-such-bucket', S3_RETRY_MAX: '1' } : {}),
      };
      const { context, telemetry, pool } = pipelineContext(s3.endpoint, env, model);
      pools.push(pool);
      return { context, telemetry };
    },
    put: (key, body, metadata) =>
      admin.store.put(bucket, key, body, {
        contentType: 'application/octet-stream',
        metadata,
      }),
    read: async (key) => (await admin.store.readText(bucket, key, 1 << 24))?.text,
    async keys() {
      const listed = await admin.pool.client().send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((object) => object.Key!);
    },
    async close() {
      for (const pool of pools) pool.destroy();
      await s3.close();
    },
  };
}

/** The folder store on a temp folder, as `align-dir` uses it: `<name>.align.<ext>`, `<name>.error.json`. */
async function folderFixture(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-two-stores-'));
  writeFileSync(join(dir, 'blocker'), 'a file where a results folder would have to be');
  return {
    bucket: FOLDER_INPUT,
    audioKey: (stem) => `${stem}.wav`,
    inputKey: (stem, extension) => `${stem}.${extension}`,
    resultKey: (stem, extension) => `${stem}.align.${extension}`,
    failureKey: (stem) => `${stem}.error.json`,
    rejectedRecord: /^_rejected\/[0-9a-f]{40}\.error\.json$/,
    hostileKey: '../escape.wav',
    source: (key, transcriptKey) => ({ path: join(dir, key), transcriptPath: join(dir, transcriptKey) }),
    keepsMetadata: false,
    context: ({ formats, model, unwritableResults }) =>
      folderPipelineContext(
        dir,
        formats,
        model,
        unwritableResults === true ? join(dir, 'blocker', 'out') : dir,
      ),
    async put(key, body) {
      mkdirSync(dirname(join(dir, key)), { recursive: true });
      writeFileSync(join(dir, key), body);
    },
    read: async (key) => {
      try {
        return readFileSync(join(dir, key), 'utf8');
      } catch {
        return undefined;
      }
    },
    keys: async () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1)),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe.each([
  ['S3 (the local S3 server)', s3Fixture],
  ['a local folder', folderFixture],
])('the activity runner on %s', (_name, setUp) => {
  let store: StoreFixture;

  beforeAll(async () => {
    store = await setUp();
  });

  afterAll(async () => {
    await store.close();
  });

  async function run(context: ObjectContext, key: string, force = false): Promise<ActivityOutcome> {
    const [outcome] = await processObject(
      context,
      { bucket: store.bucket, key, size: undefined, etag: undefined },
      { delivery: 1, force, backend: undefined },
    );
    return outcome!;
  }

  async function resultOf(stem: string): Promise<{ text: string; mode: string; source: object }> {
    const key = store.resultKey(stem, 'json');
    return parseJsonObject(key, await store.read(key));
  }

  it('takes the <name>.json descriptor before <name>.txt and names it in the result', async () => {
    // Prepare
    await store.put(store.inputKey('order/a', 'json'), JSON.stringify({ text: 'from the descriptor' }));
    await store.put(store.inputKey('order/a', 'txt'), 'from the text file');
    await store.put(store.audioKey('order/a'), toneWav(2));
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    const outcome = await run(context, store.audioKey('order/a'));

    // Assess
    expect(outcome.status).toBe('succeeded');
    const result = await resultOf('order/a');
    expect(result.text).toBe('from the descriptor');
    expect(result.source).toMatchObject(
      store.source(store.audioKey('order/a'), store.inputKey('order/a', 'json')),
    );
  });

  it('reads a descriptor that starts with a UTF-8 byte-order mark', async () => {
    // Prepare
    const descriptor = `\uFEFF${JSON.stringify({ text: 'written by a windows editor' })}`;
    await store.put(store.inputKey('order/bom', 'json'), Buffer.from(descriptor, 'utf8'));
    await store.put(store.audioKey('order/bom'), toneWav(2));
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    const outcome = await run(context, store.audioKey('order/bom'));

    // Assess
    expect(outcome.status).toBe('succeeded');
    expect((await resultOf('order/bom')).text).toBe('written by a windows editor');
  });

  it('gives each audio file of one name its own result and failure record, and reruns each for their transcript', async () => {
    // Prepare
    const audio = (extension: string): string => store.inputKey('m2/multi', extension);
    await store.put(audio('txt'), 'the first words');
    await store.put(audio('wav'), toneWav(2));
    await store.put(audio('flac'), toneWav(3));
    await store.put(audio('ogg'), 'this is not audio');
    const model = new StandInModel();
    const { context } = store.context({ formats: ['json', 'vtt'], model });
    for (const extension of ['wav', 'flac', 'ogg']) await run(context, audio(extension));
    await store.put(audio('txt'), 'some other words');

    // Act
    const outcomes = await processObject(
      context,
      { bucket: store.bucket, key: audio('txt'), size: undefined, etag: undefined },
      { delivery: 1, force: false, backend: undefined },
    );

    // Assess
    expect(outcomes.map((outcome) => [outcome.key, outcome.status])).toEqual([
      [audio('wav'), 'succeeded'],
      [audio('flac'), 'succeeded'],
      [audio('ogg'), 'failed'],
    ]);
    const wav = parseJsonObject('wav', await store.read(store.resultKey('m2/multi', 'json')));
    const flac = parseJsonObject('flac', await store.read(store.resultKey('m2/multi.flac', 'json')));
    expect([wav.text, wav.audio.durationSec, wav.source]).toEqual([
      'some other words',
      2,
      expect.objectContaining(store.source(audio('wav'), audio('txt'))),
    ]);
    expect([flac.text, flac.audio.durationSec, flac.source]).toEqual([
      'some other words',
      3,
      expect.objectContaining(store.source(audio('flac'), audio('txt'))),
    ]);
    expect(await store.read(store.resultKey('m2/multi.flac', 'vtt'))).toMatch(/^WEBVTT/);
    const failure = parseJsonObject('ogg', await store.read(store.failureKey('m2/multi.ogg')));
    expect(failure.source).toMatchObject(store.source(audio('ogg'), audio('txt')));
    expect(await store.read(store.failureKey('m2/multi'))).toBeUndefined();
    expect(model.calls).toBe(4);
  });

  it('takes <name>.txt when there is no descriptor', async () => {
    // Prepare
    await store.put(store.inputKey('order/b', 'txt'), 'from the text file');
    await store.put(store.audioKey('order/b'), toneWav(2));
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    await run(context, store.audioKey('order/b'));

    // Assess
    const result = await resultOf('order/b');
    expect(result.text).toBe('from the text file');
    expect(result.source).toMatchObject(
      store.source(store.audioKey('order/b'), store.inputKey('order/b', 'txt')),
    );
  });

  it('passes over a <name>.json that is an earlier result, aligns to <name>.txt and says so in the warnings', async () => {
    // Prepare: an earlier result saved beside the audio as <name>.json, as `align --out <name>.json` does.
    await store.put(store.inputKey('kept/a', 'txt'), 'the words');
    await store.put(store.audioKey('kept/a'), toneWav(2));
    const model = new StandInModel();
    const { context } = store.context({ formats: ['json'], model });
    await run(context, store.audioKey('kept/a'));
    await store.put(store.inputKey('kept/a', 'json'), (await store.read(store.resultKey('kept/a', 'json')))!);

    // Act
    const forced = await run(context, store.audioKey('kept/a'), true);
    const again = await run(context, store.audioKey('kept/a'));

    // Assess
    expect([forced.status, again.status]).toEqual(['succeeded', 'skipped']);
    const result = parseJsonObject('result', await store.read(store.resultKey('kept/a', 'json')));
    expect(result.text).toBe('the words');
    expect(result.source).toMatchObject(
      store.source(store.audioKey('kept/a'), store.inputKey('kept/a', 'txt')),
    );
    expect(result.warnings).toContain(
      `${store.inputKey('kept/a', 'json')} is an alignment result ("version": 1 with "words" or "source"), ` +
        `not an activity descriptor: ignored; the transcript is ${store.inputKey('kept/a', 'txt')}`,
    );
    expect(model.calls).toBe(2);
  });

  it('transcribes when the only <name>.json beside the audio is an earlier result, and says so', async () => {
    // Prepare
    await store.put(store.audioKey('kept/b'), toneWav(2));
    const earlier = { version: 1, mode: 'transcribe', text: 'old words', words: [], source: {} };
    await store.put(store.inputKey('kept/b', 'json'), JSON.stringify(earlier));
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    const outcome = await run(context, store.audioKey('kept/b'));

    // Assess
    expect(outcome.status).toBe('succeeded');
    const result = parseJsonObject('result', await store.read(store.resultKey('kept/b', 'json')));
    expect(result.mode).toBe('transcribe');
    expect(result.warnings).toEqual([
      expect.stringMatching(/ignored; no other transcript was found, so the audio was transcribed$/),
    ]);
  });

  it('fails a transcript that is not text with INVALID_INPUT saying what it looks like, without inference', async () => {
    // Prepare
    await store.put(store.inputKey('binary/c', 'txt'), toneWav(1));
    await store.put(store.audioKey('binary/c'), toneWav(2));
    const model = new StandInModel();
    const { context } = store.context({ formats: ['json'], model });

    // Act
    const outcome = await run(context, store.audioKey('binary/c'));

    // Assess
    const message = `transcript ${store.inputKey('binary/c', 'txt')} is not text (it looks like a WAV file)`;
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT', message } });
    const record = parseJsonObject('failure', await store.read(store.failureKey('binary/c')));
    expect(record.error).toEqual({ code: 'INVALID_INPUT', message });
    expect(model.calls).toBe(0);
  });

  it('warns in the result when the alignment looks wrong', async () => {
    // Prepare: the stand-in model finds every token equally likely, so no word scores well.
    await store.put(store.inputKey('doubt/d', 'txt'), 'words the audio does not say');
    await store.put(store.audioKey('doubt/d'), toneWav(2));
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    await run(context, store.audioKey('doubt/d'));

    // Assess
    const result = parseJsonObject('result', await store.read(store.resultKey('doubt/d', 'json')));
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^alignment looks wrong \(is the transcript the one of this audio\?\): mean word score/,
      ),
    ]);
  });

  it("aligns to the audio's metadata transcript where the store keeps metadata, else transcribes", async () => {
    // Prepare
    await store.put(store.audioKey('order/c'), toneWav(2), { transcript: encodeURIComponent('héllo wörld') });
    const { context } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    await run(context, store.audioKey('order/c'));

    // Assess
    const result = await resultOf('order/c');
    expect(result.mode).toBe(store.keepsMetadata ? 'align' : 'transcribe');
    if (store.keepsMetadata) expect(result.text).toBe('héllo wörld');
  });

  it('skips an up-to-date result without inference, and redoes it when forced or its transcript changes', async () => {
    // Prepare
    await store.put(store.inputKey('again/d', 'txt'), 'the first words');
    await store.put(store.audioKey('again/d'), toneWav(2));
    const model = new StandInModel();
    const { context } = store.context({ formats: ['json', 'vtt'], model });
    await run(context, store.audioKey('again/d'));

    // Act
    const repeated = await run(context, store.audioKey('again/d'));
    const forced = await run(context, store.audioKey('again/d'), true);
    await store.put(store.inputKey('again/d', 'txt'), 'some other words entirely');
    const changed = await run(context, store.audioKey('again/d'));

    // Assess
    expect([repeated.status, forced.status, changed.status]).toEqual(['skipped', 'succeeded', 'succeeded']);
    expect(model.calls).toBe(3);
    expect((await resultOf('again/d')).text).toBe('some other words entirely');
  });

  it('redoes a result that lacks a format asked for since', async () => {
    // Prepare
    await store.put(store.inputKey('again/e', 'txt'), 'the words');
    await store.put(store.audioKey('again/e'), toneWav(2));
    await run(
      store.context({ formats: ['json'], model: new StandInModel() }).context,
      store.audioKey('again/e'),
    );
    const { context } = store.context({ formats: ['json', 'srt'], model: new StandInModel() });

    // Act
    const outcome = await run(context, store.audioKey('again/e'));

    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(await store.read(store.resultKey('again/e', 'srt'))).toContain('-->');
  });

  it('always writes the JSON document, even when the formats leave it out', async () => {
    // Prepare
    await store.put(store.inputKey('json/f', 'txt'), 'the words');
    await store.put(store.audioKey('json/f'), toneWav(2));
    const { context } = store.context({ formats: ['vtt'], model: new StandInModel() });

    // Act
    await run(context, store.audioKey('json/f'));

    // Assess
    expect((await resultOf('json/f')).text).toBe('the words');
    expect(await store.read(store.resultKey('json/f', 'vtt'))).toMatch(/^WEBVTT/);
    expect(await store.read(store.resultKey('json/f', 'srt'))).toBeUndefined();
  });

  it('records a failure where the results would be, naming audio and transcript, and counts it once', async () => {
    // Prepare
    await store.put(store.inputKey('fail/g', 'txt'), 'nothing');
    await store.put(store.audioKey('fail/g'), 'this is not audio');
    const { context, telemetry } = store.context({ formats: ['json'], model: new StandInModel() });

    // Act
    const outcome = await run(context, store.audioKey('fail/g'));

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', failureKey: store.failureKey('fail/g') });
    const failureKey = store.failureKey('fail/g');
    expect(parseJsonObject(failureKey, await store.read(failureKey))).toEqual({
      error: { code: 'AUDIO_DECODE', message: expect.any(String) },
      source: {
        ...store.source(store.audioKey('fail/g'), store.inputKey('fail/g', 'txt')),
        etag: expect.any(String),
        size: 17,
        transcriptEtag: expect.any(String),
      },
      attempt: 1,
      delivery: 1,
      at: '2026-01-02T03:04:05.000Z',
    });
    expect(telemetry.failures).toEqual([{ code: 'AUDIO_DECODE', backend: 'cpu' }]);
  });

  it('counts a failure whose record cannot be written as lost, once, instead of throwing', async () => {
    // Prepare
    await store.put(store.audioKey('fail/h'), 'this is not audio either');
    const { context, telemetry } = store.context({
      formats: ['json'],
      model: new StandInModel(),
      unwritableResults: true,
    });

    // Act
    const outcome = await run(context, store.audioKey('fail/h'));

    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'AUDIO_DECODE' },
      failureKey: undefined,
    });
    expect(telemetry.failures).toEqual([{ code: 'AUDIO_DECODE', backend: 'cpu', recordLost: true }]);
  });

  it('refuses a hostile key: a failure record under a hashed name, nothing else written, no inference', async () => {
    // Prepare
    const model = new StandInModel();
    const { context } = store.context({ formats: ['json'], model });
    const before = await store.keys();

    // Act
    const outcome = await run(context, store.hostileKey);

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', retryable: false, error: { code: 'INVALID_INPUT' } });
    const recordKey = outcome.status === 'failed' ? outcome.failureKey : undefined;
    expect(recordKey).toMatch(store.rejectedRecord);
    expect((await store.keys()).filter((key) => !before.includes(key))).toEqual([recordKey]);
    expect(model.calls).toBe(0);
  });
});
