import type { S3Event } from 'aws-lambda';
import { decodeEventKey } from '../../shared/events/object-events';
import { processEvent } from '../../shared/pipeline/process-event';
import type { LocalS3 } from '../../tools/local-s3/local-s3-server';
import { GatedModel, pipelineContext, StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { readTestObject, startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

const TEXT = 'the quick brown fox';

describe('event faults: duplicated, reordered, delayed events and objects overwritten mid-activity', () => {
  let s3: LocalS3;
  let bucket: string;
  let events: S3Event[];

  beforeAll(async () => {
    ({ s3, bucket, events } = await startTestS3('event-faults'));
  });

  afterAll(async () => {
    await s3.close();
  });

  /** Uploads an object; returns the event the server emitted for it and the object's ETag. */
  async function upload(key: string, body: string | Buffer): Promise<{ event: S3Event; etag: string }> {
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, key, body, { contentType: 'application/octet-stream' });
    const head = await store.head(bucket, key);
    pool.destroy();
    const event = [...events].reverse().find((e) => decodeEventKey(e.Records[0]!.s3.object.key) === key);
    if (event === undefined || head === undefined) throw new Error(`no event or object for ${key}`);
    return { event, etag: head.etag };
  }

  async function result(stem: string): Promise<{
    mode: string;
    source: { etag: string; transcriptEtag?: string };
    audio: { durationSec: number };
  }> {
    const { store, pool } = testStore(s3.endpoint);
    const found = await store.readText(bucket, `results/${stem}.json`, 1 << 24);
    pool.destroy();
    if (found === undefined) throw new Error(`no result for ${stem}`);
    return JSON.parse(found.text);
  }

  it('does the work once for an event delivered three times, one after another and in one batch', async () => {
    // Prepare
    await upload('incoming/dup/a.txt', TEXT);
    const { event } = await upload('incoming/dup/a.wav', toneWav(1));
    const model = new StandInModel(10);
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);

    // Act
    await processEvent(context, event);
    await processEvent(context, event);
    const batch = await processEvent(context, {
      Records: [...event.Records, ...event.Records, ...event.Records],
    });
    pool.destroy();

    // Assess
    expect(model.calls).toBe(1);
    expect(batch.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it.each([
    ['transcript uploaded first, audio event delivered first', 'tx-first', true, 'audio'],
    ['transcript uploaded first, transcript event delivered first', 'tx-first-rev', true, 'transcript'],
    ['audio uploaded first, transcript event delivered first', 'au-first-rev', false, 'transcript'],
    ['audio uploaded first, audio event delivered first', 'au-first', false, 'audio'],
  ])(
    'aligns once to the transcript whatever the order: %s',
    async (_name, folder, transcriptFirst, firstEvent) => {
      // Prepare: both objects exist before any event is handled (events delayed or reordered in the queue)
      const stem = `${folder}/b`;
      const uploadTranscript = () => upload(`incoming/${stem}.txt`, TEXT);
      const uploadAudio = () => upload(`incoming/${stem}.wav`, toneWav(1));
      // Properties are evaluated in the order written, so this uploads in the order the case names.
      const { transcript, audio } = transcriptFirst
        ? { transcript: await uploadTranscript(), audio: await uploadAudio() }
        : { audio: await uploadAudio(), transcript: await uploadTranscript() };
      const order = firstEvent === 'audio' ? [audio, transcript] : [transcript, audio];
      const model = new StandInModel();
      const { context, pool } = pipelineContext(s3.endpoint, {}, model);

      // Act
      for (const delivered of order) await processEvent(context, delivered.event);
      pool.destroy();

      // Assess
      expect(model.calls).toBe(1);
      const written = await result(stem);
      expect(written.mode).toBe('align');
      expect(written.source).toMatchObject({ etag: audio.etag, transcriptEtag: transcript.etag });
    },
  );

  it('realigns when a transcript arrives after the audio was processed in transcribe mode, and only then', async () => {
    // Prepare
    const audio = await upload('incoming/late/c.wav', toneWav(1));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);
    await processEvent(context, audio.event);
    const transcript = await upload('incoming/late/c.txt', TEXT);

    // Act
    await processEvent(context, transcript.event);
    await processEvent(context, audio.event);
    await processEvent(context, transcript.event);
    pool.destroy();

    // Assess
    expect(model.calls).toBe(2);
    expect((await result('late/c')).source).toMatchObject({
      etag: audio.etag,
      transcriptEtag: transcript.etag,
    });
  });

  it('does no work for a delayed event of an audio version that was replaced and already processed', async () => {
    // Prepare
    await upload('incoming/delayed/d.txt', TEXT);
    const first = await upload('incoming/delayed/d.wav', toneWav(1));
    const second = await upload('incoming/delayed/d.wav', toneWav(2));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);

    // Act: the second version's event first, the first version's event late
    await processEvent(context, second.event);
    const late = await processEvent(context, first.event);
    pool.destroy();

    // Assess
    expect(model.calls).toBe(1);
    expect(late.outcomes.map((o) => o.status)).toEqual(['skipped']);
    const written = await result('delayed/d');
    expect(written.source.etag).toBe(second.etag);
    expect(written.audio.durationSec).toBe(2);
  });

  it('never names one audio version in a result computed from another when the audio is overwritten mid-activity', async () => {
    // Prepare: overwrite the audio (1 s -> 3 s) between the activity's HEAD and its download
    await upload('incoming/race/e.txt', TEXT);
    const first = await upload('incoming/race/e.wav', toneWav(1));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);
    const realHead = context.store.head.bind(context.store);
    let second: { etag: string } | undefined;
    context.store.head = async (headBucket, key) => {
      const head = await realHead(headBucket, key);
      if (key === 'incoming/race/e.wav' && second === undefined) second = await upload(key, toneWav(3));
      return head;
    };

    // Act
    const outcome = await processEvent(context, first.event);
    pool.destroy();

    // Assess: the ETag a result names is the ETag of the audio it was computed from
    expect(outcome.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    const written = await result('race/e');
    const versions = new Map([
      [first.etag, 1],
      [second!.etag, 3],
    ]);
    expect(versions.get(written.source.etag)).toBe(written.audio.durationSec);
  });

  it('commits nothing for a version overwritten during inference, and the new event writes the result', async () => {
    // Prepare
    await upload('incoming/race2/f.txt', TEXT);
    const first = await upload('incoming/race2/f.wav', toneWav(1));
    const model = new GatedModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);

    // Act: overwrite once the model is running on version 1, and only then let it finish
    const running = processEvent(context, first.event);
    await model.entered;
    const second = await upload('incoming/race2/f.wav', toneWav(2));
    model.release();
    const superseded = await running;
    const afterFirst = await readTestObject(s3.endpoint, bucket, 'results/race2/f.json');
    await processEvent(context, second.event);
    pool.destroy();

    // Assess
    expect(superseded.outcomes.map((o) => o.status)).toEqual(['skipped']);
    expect(afterFirst).toBeUndefined();
    const final = await result('race2/f');
    expect(final.source.etag).toBe(second.etag);
    expect(final.audio.durationSec).toBe(2);
  });
});
