import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderStore } from '../../../shared/folder/folder-store';
import type { ActivityOutcome } from '../../../shared/pipeline/activity-outcome';
import { folderLayout } from '../../../shared/pipeline/folder-layout';
import { type ObjectContext, processObject } from '../../../shared/pipeline/object-activities';
import type { ObjectStore } from '../../../shared/pipeline/object-store';
import { changedSource, type ReadSources } from '../../../shared/pipeline/source-check';
import { findTranscript } from '../../../shared/pipeline/transcript-discovery';
import type { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import type { S3Store } from '../../../shared/s3/s3-store';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { parseJsonObject } from '../../helpers/json-object';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { GatedModel, pipelineContext, StandInModel, toneWav } from './pipeline-harness';

/**
 * A store that holds its first write of a result JSON document until `release()`: a Lambda that has checked its
 * inputs are current and is about to commit, while another one aligns a newer version.
 */
class HeldCommitStore implements ObjectStore {
  public readonly held: Promise<void>;
  private hold: () => void = () => undefined;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  private holding = true;

  public constructor(private readonly inner: ObjectStore) {
    this.held = new Promise<void>((resolve) => {
      this.hold = resolve;
    });
  }

  /** Lets the held write go on. */
  public release(): void {
    this.open();
  }

  public head: ObjectStore['head'] = (bucket, key) => this.inner.head(bucket, key);
  public download: ObjectStore['download'] = (...args) => this.inner.download(...args);
  public readBytes: ObjectStore['readBytes'] = (...args) => this.inner.readBytes(...args);
  public locate: ObjectStore['locate'] = (bucket, key) => this.inner.locate(bucket, key);

  public async put(...args: Parameters<ObjectStore['put']>): Promise<void> {
    const [, key] = args;
    if (this.holding && key.startsWith('results/') && key.endsWith('.json')) {
      this.holding = false;
      this.hold();
      await this.gate;
    }
    return this.inner.put(...args);
  }
}

describe('two Lambdas aligning two versions of one file at once', () => {
  let s3: LocalS3;
  let bucket: string;
  let admin: { store: S3Store; pool: S3ClientPool };
  const pools: S3ClientPool[] = [];

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('races'));
    admin = testStore(s3.endpoint);
  });

  afterAll(async () => {
    for (const pool of [admin.pool, ...pools]) pool.destroy();
    await s3.close();
  });

  /** A Lambda of its own: its own S3 clients, queue and emissions memo. */
  function lambda(model: StandInModel): ObjectContext {
    return lambdaWithLog(model).context;
  }

  function lambdaWithLog(model: StandInModel): ReturnType<typeof pipelineContext> {
    const started = pipelineContext(s3.endpoint, { OUTPUT_FORMATS: 'json,vtt' }, model);
    pools.push(started.pool);
    return started;
  }

  async function run(context: ObjectContext, key: string): Promise<ActivityOutcome> {
    const [outcome] = await processObject(
      context,
      { bucket, key, size: undefined, etag: undefined },
      { delivery: 1, force: false, backend: undefined },
    );
    return outcome!;
  }

  async function put(key: string, body: string | Buffer): Promise<string> {
    await admin.store.put(bucket, key, body, { contentType: 'application/octet-stream' });
    return (await admin.store.head(bucket, key))!.etag;
  }

  async function read(key: string): Promise<string | undefined> {
    return (await admin.store.readText(bucket, key, 1 << 24))?.text;
  }

  it('leaves the newer audio version in the result when the older one finishes last', async () => {
    // Prepare
    await put('incoming/race/a.txt', 'the words');
    await put('incoming/race/a.wav', toneWav(2));
    const gated = new GatedModel();
    const slow = run(lambda(gated), 'incoming/race/a.wav');
    await gated.entered;
    const newer = await put('incoming/race/a.wav', toneWav(3));
    const fast = await run(lambda(new StandInModel()), 'incoming/race/a.wav');
    const newerVtt = await read('results/race/a.vtt');

    // Act
    gated.release();
    const older = await slow;

    // Assess
    const result = parseJsonObject('result', await read('results/race/a.json'));
    expect([result.source.etag, result.audio.durationSec]).toEqual([newer, 3]);
    expect(await read('results/race/a.vtt')).toBe(newerVtt);
    expect(fast.status).toBe('succeeded');
    expect(older).toMatchObject({ status: 'skipped', reason: expect.stringContaining('replaced') });
  });

  it('aligns the newer version again when the older one committed over it after its check', async () => {
    // Prepare
    await put('incoming/race/b.txt', 'the words');
    await put('incoming/race/b.wav', toneWav(2));
    const { context: olderContext, log } = lambdaWithLog(new StandInModel());
    const held = new HeldCommitStore(olderContext.store);
    const slow = run({ ...olderContext, store: held }, 'incoming/race/b.wav');
    await held.held;
    const newer = await put('incoming/race/b.wav', toneWav(3));
    const fast = await run(lambda(new StandInModel()), 'incoming/race/b.wav');
    const newerVtt = await read('results/race/b.vtt');

    // Act
    held.release();
    const older = await slow;

    // Assess
    const result = parseJsonObject('result', await read('results/race/b.json'));
    expect([result.source.etag, result.audio.durationSec]).toEqual([newer, 3]);
    expect(await read('results/race/b.vtt')).toBe(newerVtt);
    expect(fast.status).toBe('succeeded');
    expect(older.status).toBe('succeeded');
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'activity failed, retrying',
        extra: expect.objectContaining({ error: expect.stringContaining('while its result was written') }),
      }),
    );
  });

  it('leaves the newer transcript in the result when the older one finishes last', async () => {
    // Prepare
    await put('incoming/race/c.txt', 'the first words');
    await put('incoming/race/c.wav', toneWav(2));
    const gated = new GatedModel();
    const slow = run(lambda(gated), 'incoming/race/c.wav');
    await gated.entered;
    const newer = await put('incoming/race/c.txt', 'some other words');
    const fast = await run(lambda(new StandInModel()), 'incoming/race/c.txt');

    // Act
    gated.release();
    const older = await slow;

    // Assess
    const result = parseJsonObject('result', await read('results/race/c.json'));
    expect([result.text, result.source.transcriptEtag]).toEqual(['some other words', newer]);
    expect(fast.status).toBe('succeeded');
    expect(older.status).toBe('skipped');
    expect(gated.calls).toBe(1);
  });
});

describe('changedSource', () => {
  let dir: string;
  const store = (): FolderStore => new FolderStore({ input: dir });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'w2v2-source-check-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** What an activity read of `talk.wav` and its transcript, now. */
  async function readNow(): Promise<ReadSources> {
    const audio = (await store().head('input', 'talk.wav'))!;
    const discovery = await findTranscript(store(), 'input', folderLayout(), 'talk', audio);
    return {
      bucket: 'input',
      key: 'talk.wav',
      audio: { stem: 'talk' },
      head: audio,
      transcript: discovery.transcript,
      transcriptKey: undefined,
      passedOver: discovery.passedOver,
    };
  }

  /** An alignment result saved beside the audio as `talk.json`, which discovery passes over. */
  const RESULT_DOCUMENT = JSON.stringify({
    version: 1,
    mode: 'align',
    text: 'old words',
    words: [],
    source: {},
  });
  const later = new Date(Date.now() + 5000);

  it.each([
    ['nothing changed', () => undefined, undefined, undefined],
    [
      'the audio was rewritten',
      () => writeFileSync(join(dir, 'talk.wav'), 'a longer version'),
      'audio',
      undefined,
    ],
    ['the audio was removed', () => unlinkSync(join(dir, 'talk.wav')), 'audio', undefined],
    [
      'a descriptor arrived beside the text',
      () => writeFileSync(join(dir, 'talk.json'), '{}'),
      'transcript',
      undefined,
    ],
    ['the text was removed', () => unlinkSync(join(dir, 'talk.txt')), 'transcript', undefined],
    ['nothing changed beside a result document passed over', () => undefined, undefined, RESULT_DOCUMENT],
    [
      'the result document passed over was replaced by a descriptor',
      () => {
        writeFileSync(join(dir, 'talk.json'), '{"text": "new words"}');
        utimesSync(join(dir, 'talk.json'), later, later);
      },
      'transcript',
      RESULT_DOCUMENT,
    ],
  ])('answers %s', async (_name, change, expected, resultDocument) => {
    // Prepare
    writeFileSync(join(dir, 'talk.wav'), 'audio');
    writeFileSync(join(dir, 'talk.txt'), 'the words');
    if (resultDocument !== undefined) writeFileSync(join(dir, 'talk.json'), resultDocument);
    const read = await readNow();
    change();

    // Act
    const changed = await changedSource(store(), folderLayout(), read);

    // Assess
    expect(changed).toBe(expected);
  });
});
