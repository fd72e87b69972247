import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { attemptExecutionName, executionName } from '../../../shared/pipeline/execution-names';
import {
  LargeFileHandoff,
  MAX_EXECUTION_ATTEMPTS,
  type StepFunctionsInput,
} from '../../../shared/pipeline/large-file-handoff';
import { processObject } from '../../../shared/pipeline/object-activities';
import type { LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { serveStartExecutionLocally, type TaskHandlers } from '../../helpers/local-stepfunctions';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { pipelineContext, StandInModel, toneWav } from './pipeline-harness';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:w2v2-gpu';
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const INPUT: StepFunctionsInput = { bucket: 'audio', key: 'incoming/big/long.wav', backend: 'triton' };
const FIRST = executionName(INPUT.key, 'audio-etag', 'transcript-etag');

const definition: StateMachineDefinition = {
  StartAt: 'Align',
  States: {
    Align: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:align', End: true },
  },
};

/**
 * The Align task of `definition`, run i of which (in start order) waits for `finish(i)` and then ends as
 * `outcomes[i]` says, so a test decides when an execution is running and how it ends; runs beyond `outcomes`
 * succeed at once.
 */
function heldTask(outcomes: Array<'SUCCEEDED' | 'FAILED'>): {
  handlers: TaskHandlers;
  finish: (run: number) => void;
  finishAll: () => void;
} {
  const opens: Array<() => void> = [];
  const gates = outcomes.map(() => new Promise<void>((open) => opens.push(open)));
  let runs = 0;
  return {
    handlers: {
      Align: async (input) => {
        const run = runs;
        runs += 1;
        await gates[run];
        if (outcomes[run] === 'FAILED') {
          throw Object.assign(new Error('Triton did not answer'), { name: 'TRITON_UNAVAILABLE' });
        }
        return input;
      },
    },
    finish: (run) => opens[run]?.(),
    finishAll: () => {
      for (const open of opens) open();
    },
  };
}

describe('large-file hand-off to Step Functions', () => {
  describe('against Step Functions served locally', () => {
    let service: ReturnType<typeof serveStartExecutionLocally> | undefined;
    let task: ReturnType<typeof heldTask> | undefined;

    /** Serves the state machine with a held Align task; afterEach lets every execution end. */
    function serve(outcomes: Array<'SUCCEEDED' | 'FAILED'>): NonNullable<typeof service> {
      task = heldTask(outcomes);
      service = serveStartExecutionLocally(definition, task.handlers);
      return service;
    }

    const handoff = (): LargeFileHandoff => new LargeFileHandoff(new SFNClient({ region: 'us-east-1' }), ARN);
    const start = (input: StepFunctionsInput = INPUT): Promise<string> =>
      handoff().start(input, 'audio-etag', 'transcript-etag');

    afterEach(async () => {
      task?.finishAll();
      await Promise.all(service?.started.map((execution) => execution.ended) ?? []);
      service?.restore();
      service = undefined;
      task = undefined;
    });

    it('starts one execution for duplicate starts of a file version while it runs', async () => {
      // Prepare
      const { started } = serve(['SUCCEEDED']);

      // Act
      const first = await start();
      const duplicate = await start();

      // Assess
      expect(first).toBe(FIRST);
      expect(duplicate).toBe(first);
      expect(started.map((execution) => execution.name)).toEqual([FIRST]);
      expect(started[0]?.input).toEqual(INPUT);
    });

    it('does not run a file version again once its execution succeeded', async () => {
      // Prepare
      const { started } = serve(['SUCCEEDED']);
      await start();
      task?.finish(0);
      const first = await started[0]?.ended;

      // Act
      const again = await start();

      // Assess
      expect(first?.status).toBe('SUCCEEDED');
      expect(again).toBe(FIRST);
      expect(started).toHaveLength(1);
    });

    it('runs every forced start under a fresh name, after a handed-off execution and while another runs', async () => {
      // Prepare
      const { started } = serve(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const forcedInput: StepFunctionsInput = { ...INPUT, force: true };
      const handedOff = await start();
      task?.finish(0);
      await started[0]?.ended;

      // Act
      const forced = await start(forcedInput);
      const forcedAgain = await start(forcedInput);

      // Assess
      const names = started.map((execution) => execution.name);
      expect(names).toEqual([handedOff, forced, forcedAgain]);
      expect(new Set(names).size).toBe(3);
      expect(started.map((execution) => execution.input)).toEqual([INPUT, forcedInput, forcedInput]);
      for (const name of names) expect(name).toMatch(NAME);
    });

    it("runs a file version again under the next attempt's name after its execution failed, once for concurrent duplicates", async () => {
      // Prepare
      const { started } = serve(['FAILED', 'SUCCEEDED']);
      await start();
      task?.finish(0);
      const failed = await started[0]?.ended;

      // Act
      const [retry, duplicate] = await Promise.all([start(), start()]);
      task?.finish(1);
      const retried = await started[1]?.ended;

      // Assess
      expect(failed).toMatchObject({ status: 'FAILED', error: 'TRITON_UNAVAILABLE' });
      expect(retry).toBe(`${FIRST}-r2`);
      expect(duplicate).toBe(retry);
      expect(started.map((execution) => execution.name)).toEqual([FIRST, `${FIRST}-r2`]);
      expect(retried?.status).toBe('SUCCEEDED');
      expect(retry).toMatch(NAME);
    });

    it(`gives up with a permanent TRITON_UNAVAILABLE once ${MAX_EXECUTION_ATTEMPTS} executions failed`, async () => {
      // Prepare
      const { started } = serve(Array(MAX_EXECUTION_ATTEMPTS).fill('FAILED'));
      for (let run = 0; run < MAX_EXECUTION_ATTEMPTS; run += 1) {
        await start();
        task?.finish(run);
        await started[run]?.ended;
      }

      // Act
      const refused = start();

      // Assess
      await expect(refused).rejects.toMatchObject({
        code: 'TRITON_UNAVAILABLE',
        retryable: false,
        message: expect.stringContaining('rerun it with force'),
      });
      const names = started.map((execution) => execution.name);
      expect(names).toEqual(
        Array.from({ length: MAX_EXECUTION_ATTEMPTS }, (_, run) => attemptExecutionName(FIRST, run + 1)),
      );
      for (const name of names) expect(name).toMatch(NAME);
    });
  });

  describe('against a scripted SFN client', () => {
    let sfn: AwsClientStub<SFNClient>;
    const handoff = new LargeFileHandoff(new SFNClient({ region: 'us-east-1' }), ARN);
    const alreadyExists = new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
    const sdkError = (name: string): SFNServiceException =>
      new SFNServiceException({ name, $fault: 'client', message: name, $metadata: { httpStatusCode: 400 } });

    beforeEach(() => {
      sfn = mockClient(SFNClient);
    });
    afterEach(() => sfn.restore());

    it.each<[ExecutionStatus, number]>([
      ['RUNNING', 1],
      ['SUCCEEDED', 1],
      ['PENDING_REDRIVE', 1],
      ['FAILED', 2],
      ['TIMED_OUT', 2],
      ['ABORTED', 2],
    ])("answers a taken first name whose execution is %s with attempt %i's name", async (status, attempt) => {
      // Prepare
      const retryName = attemptExecutionName(FIRST, 2);
      sfn.on(StartExecutionCommand, { name: FIRST }).rejects(alreadyExists);
      sfn
        .on(StartExecutionCommand, { name: retryName })
        .resolves({ executionArn: 'arn:r2', startDate: new Date() });
      sfn.on(DescribeExecutionCommand).resolves({ status });

      // Act
      const name = await handoff.start(INPUT, 'audio-etag', 'transcript-etag');

      // Assess
      expect(name).toBe(attemptExecutionName(FIRST, attempt));
      expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
        { executionArn: `arn:aws:states:us-east-1:123456789012:execution:w2v2-gpu:${FIRST}` },
      ]);
      expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual(
        attempt === 1 ? [FIRST] : [FIRST, retryName],
      );
    });

    it.each([
      ['StartExecution', 'ThrottlingException', true],
      ['StartExecution', 'AccessDeniedException', false],
      ['DescribeExecution', 'ThrottlingException', true],
      ['DescribeExecution', 'AccessDeniedException', false],
    ])(
      'maps a %s failing with %s to TRITON_UNAVAILABLE, retryable %s',
      async (call, errorName, retryable) => {
        // Prepare
        const error = sdkError(errorName);
        if (call === 'StartExecution') sfn.on(StartExecutionCommand).rejects(error);
        else sfn.on(StartExecutionCommand).rejects(alreadyExists).on(DescribeExecutionCommand).rejects(error);

        // Act
        const started = handoff.start(INPUT, 'audio-etag', 'transcript-etag');

        // Assess
        await expect(started).rejects.toMatchObject({ code: 'TRITON_UNAVAILABLE', retryable, cause: error });
      },
    );
  });

  describe('from the CPU pipeline', () => {
    let s3: LocalS3;
    let bucket: string;

    beforeAll(async () => {
      ({ s3, bucket } = await startTestS3());
      const { store, pool } = testStore(s3.endpoint);
      await store.put(bucket, 'incoming/big/long.wav', toneWav(2), { contentType: 'audio/wav' });
      await store.put(bucket, 'incoming/big/long.txt', 'a long talk', { contentType: 'text/plain' });
      pool.destroy();
    });

    afterAll(async () => {
      await s3.close();
    });

    it('hands a file above the size threshold to the state machine once, however often its event comes', async () => {
      // Prepare
      const service = serveStartExecutionLocally(definition, heldTask([]).handlers);
      const model = new StandInModel();
      const { context, pool } = pipelineContext(
        s3.endpoint,
        { LARGE_FILE_THRESHOLD_BYTES: '1000', STATE_MACHINE_ARN: ARN },
        model,
      );
      context.handoff = new LargeFileHandoff(new SFNClient({ region: 'us-east-1' }), ARN);
      const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };
      const options = { delivery: 1, force: false, backend: undefined };

      // Act
      let outcomes: unknown[];
      try {
        const [first] = await processObject(context, object, options);
        const [second] = await processObject(context, object, options);
        outcomes = [first, second];
        await Promise.all(service.started.map((execution) => execution.ended));
      } finally {
        service.restore();
        pool.destroy();
      }

      // Assess
      expect(outcomes[0]).toMatchObject({ status: 'handed-off', executionName: service.started[0]?.name });
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(service.started).toHaveLength(1);
      expect(service.started[0]?.input).toEqual({
        bucket,
        key: 'incoming/big/long.wav',
        transcriptKey: 'incoming/big/long.txt',
        backend: 'triton',
      });
      expect(model.calls).toBe(0);
    });

    it('processes a large file on CPU with a warning when no state machine is configured', async () => {
      // Prepare
      const service = serveStartExecutionLocally(definition, heldTask([]).handlers);
      const { context, pool } = pipelineContext(s3.endpoint, { LARGE_FILE_THRESHOLD_BYTES: '1000' });
      const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };

      // Act
      let outcome: Awaited<ReturnType<typeof processObject>>[number] | undefined;
      try {
        [outcome] = await processObject(context, object, { delivery: 1, force: true, backend: undefined });
      } finally {
        service.restore();
        pool.destroy();
      }

      // Assess
      expect(outcome?.status).toBe('succeeded');
      expect(outcome?.status === 'succeeded' && outcome.result.warnings.join(' ')).toContain(
        'above the large-file threshold of 1000 bytes (LARGE_FILE_THRESHOLD_BYTES), but LARGE_FILE_POLICY=process',
      );
      expect(service.started).toEqual([]);
    });

    it('keeps a large file on CPU, with a warning, when the request asks for the CPU backend', async () => {
      // Prepare
      const service = serveStartExecutionLocally(definition, heldTask([]).handlers);
      const { context, pool } = pipelineContext(s3.endpoint, {
        LARGE_FILE_THRESHOLD_BYTES: '1000',
        STATE_MACHINE_ARN: ARN,
      });
      context.handoff = new LargeFileHandoff(new SFNClient({ region: 'us-east-1' }), ARN);
      const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };

      // Act
      let outcome: Awaited<ReturnType<typeof processObject>>[number] | undefined;
      try {
        [outcome] = await processObject(context, object, { delivery: 1, force: true, backend: 'cpu' });
      } finally {
        service.restore();
        pool.destroy();
      }

      // Assess
      expect(outcome?.status).toBe('succeeded');
      expect(outcome?.status === 'succeeded' && outcome.result.warnings.join(' ')).toContain(
        'but the request asked for the CPU backend: processed on CPU',
      );
      expect(service.started).toEqual([]);
    });

    it('refuses a large file with AUDIO_TOO_LONG and a record when LARGE_FILE_POLICY=refuse', async () => {
      // Prepare
      const model = new StandInModel();
      const { context, pool, telemetry } = pipelineContext(
        s3.endpoint,
        { LARGE_FILE_THRESHOLD_BYTES: '1000', LARGE_FILE_POLICY: 'refuse' },
        model,
      );
      const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };

      // Act
      let outcome: Awaited<ReturnType<typeof processObject>>[number] | undefined;
      try {
        [outcome] = await processObject(context, object, { delivery: 1, force: true, backend: 'cpu' });
      } finally {
        pool.destroy();
      }

      // Assess
      expect(outcome).toMatchObject({
        status: 'failed',
        retryable: false,
        error: { code: 'AUDIO_TOO_LONG' },
        failureKey: 'failed/big/long.json',
      });
      expect(outcome?.status === 'failed' && outcome.error.message).toMatch(
        /64044 bytes is above the large-file threshold of 1000 bytes.*GPU branch, which is off; deploy the stack with -c tritonUrl=/,
      );
      expect(model.calls).toBe(0);
      expect(telemetry.failures).toEqual([{ code: 'AUDIO_TOO_LONG', backend: 'cpu' }]);
    });

    it('reprocesses an up-to-date result when forced', async () => {
      // Prepare
      const model = new StandInModel();
      const { context, pool } = pipelineContext(s3.endpoint, {}, model);
      const object = { bucket, key: 'incoming/big/long.wav', size: undefined, etag: undefined };
      await processObject(context, object, { delivery: 1, force: false, backend: undefined });

      // Act
      const [skipped] = await processObject(context, object, {
        delivery: 1,
        force: false,
        backend: undefined,
      });
      const [forced] = await processObject(context, object, { delivery: 1, force: true, backend: undefined });
      pool.destroy();

      // Assess
      expect(skipped?.status).toBe('skipped');
      expect(forced?.status).toBe('succeeded');
    });
  });
});
