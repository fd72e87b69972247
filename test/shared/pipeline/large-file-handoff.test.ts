import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionName, LargeFileHandoff } from '../../../shared/pipeline/large-file-handoff';
import { processObject } from '../../../shared/pipeline/object-activities';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { pipelineContext, StandInModel, toneWav } from './pipeline-harness';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:w2v2-gpu';

describe('large-file hand-off to Step Functions', () => {
  let s3: LocalS3;
  let bucket: string;
  const sfn = mockClient(SFNClient);

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3());
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/big/long.wav', toneWav(2), { contentType: 'audio/wav' });
    await store.put(bucket, 'incoming/big/long.txt', 'a long talk', { contentType: 'text/plain' });
    pool.destroy();
  });

  afterAll(async () => {
    sfn.restore();
    await s3.close();
  });

  beforeEach(() => sfn.reset());

  it('names executions deterministically from key and ETags', () => {
    const name = executionName('incoming/a.wav', 'etag1', 'etag2');

    expect(name).toBe(executionName('incoming/a.wav', 'etag1', 'etag2'));
    expect(name).not.toBe(executionName('incoming/a.wav', 'etag1', 'etag3'));
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('starts an execution for a file above the size threshold and treats ExecutionAlreadyExists as success', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:x', startDate: new Date() });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, { LARGE_FILE_THRESHOLD_BYTES: '1000' }, model);
    context.handoff = new LargeFileHandoff(new SFNClient({ region: 'us-east-1' }), ARN);
    const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };
    const options = { delivery: 1, force: false, backend: undefined };

    // Act
    const [first] = await processObject(context, object, options);
    const [second] = await processObject(context, object, options);
    pool.destroy();

    // Assess
    expect(first).toMatchObject({ status: 'handed-off' });
    expect(second).toEqual(first);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.stateMachineArn).toBe(ARN);
    expect(JSON.parse(calls[0]?.args[0].input.input ?? '{}')).toEqual({
      bucket,
      key: 'incoming/big/long.wav',
      transcriptKey: 'incoming/big/long.txt',
      backend: 'triton',
    });
    expect(model.calls).toBe(0);
  });

  it('processes a large file on CPU with a warning when no state machine is configured', async () => {
    const { context, pool } = pipelineContext(s3.endpoint, { LARGE_FILE_THRESHOLD_BYTES: '1000' });
    const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };

    const [outcome] = await processObject(context, object, { delivery: 1, force: true, backend: undefined });
    pool.destroy();

    expect(outcome?.status).toBe('succeeded');
    expect(outcome?.status === 'succeeded' && outcome.result.warnings.join(' ')).toContain(
      'no STATE_MACHINE_ARN',
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('reprocesses an up-to-date result when forced', async () => {
    const model = new StandInModel();
    const { context, pool } = pipelineContext(s3.endpoint, {}, model);
    const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };

    await processObject(context, object, { delivery: 1, force: false, backend: undefined });
    const [skipped] = await processObject(context, object, { delivery: 1, force: false, backend: undefined });
    const [forced] = await processObject(context, object, { delivery: 1, force: true, backend: undefined });
    pool.destroy();

    expect(skipped?.status).toBe('skipped');
    expect(forced?.status).toBe('succeeded');
  });
});
