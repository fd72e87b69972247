/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { startTritonDevServer, type TritonDevServer } from '../../cli/triton-dev-server/dev-server';
import { createHandler as createCpuHandler } from '../../lambdas/align-cpu';
import { createHandler as createTritonHandler } from '../../lambdas/triton-align';
import { AlignError } from '../../shared/errors';
import type { AcousticModel } from '../../shared/inference/acoustic-model';
import type { LocalS3 } from '../../tools/local-s3/local-s3-server';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../tools/local-s3/local-s3-server';
import { DEMO_MODEL_DIR, SAMPLES_DIR, sampleTruth } from '../helpers/demo-model';
import { parseJsonObject } from '../helpers/json-object';
import {
  type EventLog,
  type LocalExecution,
  localLambdaHandlers,
  runLocalExecution,
  serveStartExecutionLocally,
  type TaskHandlers,
} from '../helpers/local-stepfunctions';
import {
  functionArn,
  stateMachineDefinition,
  synthesizeWorkflowStack,
  type WorkflowStackOptions,
} from '../helpers/local-stepfunctions-stack';
import { RecordingTelemetry, recordingLog, StandInModel, toneWav } from '../shared/pipeline/pipeline-harness';
import { readTestObject, startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:w2v2-align-test';

const SAMPLE = 'blue-notebook';

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function retriesOf(events: EventLog[], state: string): number {
  return events.filter((event) => event.type === 'StateRetried' && event.state.name === state).length;
}

function entered(events: EventLog[]): string[] {
  return events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));
}

describe('AlignmentWorkflow executions (aws-local-stepfunctions, real handlers, local S3, local Triton)', () => {
  let s3: LocalS3;
  let bucket: string;
  let definition: StateMachineDefinition;
  let triton: TritonDevServer;
  let caPath: string;

  const env = (): Record<string, string> => ({
    S3_ENDPOINT: s3.endpoint,
    S3_RETRY_BASE: '0.001',
    S3_RETRY_MAX_BACKOFF: '0.01',
    OUTPUT_FORMATS: 'json',
    // One try per invocation: the state machine's Retry is under test.
    ACTIVITY_RETRY_MAX: '1',
  });
  const runtime = (telemetry: RecordingTelemetry, model?: AcousticModel) => ({
    s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
    model: model === undefined ? undefined : async () => model,
    log: recordingLog(),
    telemetry,
  });

  /**
   * Both Lambdas' real handlers wired to the definition's task states, each with its own telemetry: Triton's
   * reaches the local stand-in over HTTPS and tries each request `tritonTries` times; the CPU one has a stand-in
   * model, which times out every time when `cpuTimesOut`.
   */
  function workflowHandlers(
    options: {
      tritonTries?: number;
      cpuTimesOut?: boolean;
      machine?: StateMachineDefinition;
      cpuEnv?: Record<string, string>;
    } = {},
  ) {
    const { tritonTries = 1, cpuTimesOut = false, machine = definition } = options;
    const cpuEnv = options.cpuEnv ?? { STATE_MACHINE_ARN };
    const tritonTelemetry = new RecordingTelemetry();
    const cpuTelemetry = new RecordingTelemetry();
    const cpuModel = new StandInModel();
    const timingOut: AcousticModel = {
      spec: cpuModel.spec,
      backend: 'cpu',
      quantized: false,
      logProbs: async () => {
        throw new AlignError('TIMEOUT', 'inference took longer than allowed', { retryable: true });
      },
    };
    const handlers: TaskHandlers = localLambdaHandlers(machine, {
      [functionArn('triton')]: createTritonHandler(
        {
          ...env(),
          TRITON_URL: triton.url,
          TRITON_CA_BUNDLE: caPath,
          TRITON_RETRY_MAX: String(tritonTries),
          MODEL_DIR: DEMO_MODEL_DIR,
        },
        runtime(tritonTelemetry),
      ),
      [functionArn('cpu')]: createCpuHandler(
        { ...env(), ...cpuEnv },
        runtime(cpuTelemetry, cpuTimesOut ? timingOut : cpuModel),
      ),
    });
    return { handlers, tritonTelemetry, cpuTelemetry, cpuModel };
  }

  const read = (key: string): Promise<string | undefined> => readTestObject(s3.endpoint, bucket, key);
  const readJson = async (key: string) => parseJsonObject(key, await read(key));
  const upload = async (key: string, body: Buffer | string): Promise<void> => {
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, key, body, { contentType: key.endsWith('.wav') ? 'audio/wav' : 'text/plain' });
    pool.destroy();
  };

  beforeAll(async () => {
    [{ s3, bucket }, triton] = await Promise.all([
      startTestS3(),
      startTritonDevServer({ modelDir: DEMO_MODEL_DIR }),
    ]);
    caPath = join(mkdtempSync(join(tmpdir(), 'workflow-triton-ca-')), 'ca.pem');
    writeFileSync(caPath, triton.ca);
    await upload('incoming/wf/speech.wav', readFileSync(join(SAMPLES_DIR, `${SAMPLE}.wav`)));
    await upload('incoming/wf/speech.txt', sampleTruth(SAMPLE).text);
    const names = [
      'flaky',
      'retried',
      'down',
      'forced',
      'cpu',
      'cpu-timeout',
      'large',
      'rerun-large',
      'never',
    ];
    const cold = ['cold-1', 'cold-2', 'cold-3', 'cold-4'];
    const cpuOnly = ['cpu-only', 'cpu-only-big', 'cpu-only-triton'];
    for (const name of [...names, ...cold, ...cpuOnly]) {
      await upload(`incoming/wf/${name}.wav`, toneWav(1));
      await upload(`incoming/wf/${name}.txt`, `the ${name} file`);
    }
    await upload('incoming/wf/corrupt.wav', Buffer.from('this is not audio'));
    for (const name of ['large', 'rerun-large', 'cpu-only-triton']) {
      await upload(
        `incoming/wf/${name}.json`,
        JSON.stringify({ text: `the ${name} file`, backend: 'triton' }),
      );
    }
    definition = workflowDefinition({ stateMachineName: 'w2v2-align-test' });
  });

  /** The synthesized workflow's definition with the two test functions' ARNs. */
  function workflowDefinition(options: WorkflowStackOptions): StateMachineDefinition {
    const synthesized = synthesizeWorkflowStack(options);
    return JSON.parse(
      stateMachineDefinition(synthesized, {
        [synthesized.tritonLogicalId]: functionArn('triton'),
        [synthesized.cpuLogicalId]: functionArn('cpu'),
      }),
    );
  }

  afterAll(async () => {
    await triton.close();
    await s3.close();
  });

  /** The stand-in reads its fault counters live: replace them in place. */
  function injectFaults(faults: TritonDevServer['faults']): void {
    for (const key of Object.keys(triton.faults))
      delete triton.faults[key as keyof TritonDevServer['faults']];
    Object.assign(triton.faults, faults);
  }

  beforeEach(() => injectFaults({}));

  it('aligns a file on Triton near its true word times and ends with its outcome', async () => {
    // Prepare
    const { handlers, tritonTelemetry } = workflowHandlers();
    const truth = sampleTruth(SAMPLE);

    // Act
    const execution = await runLocalExecution(
      definition,
      { bucket, key: 'incoming/wf/speech.wav' },
      handlers,
    );

    // Assess
    expect(execution).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'succeeded', key: 'incoming/wf/speech.wav', resultKey: 'results/wf/speech.json' },
    });
    expect(entered(execution.events)).toEqual([
      'ValidateInput',
      'ChooseBackend',
      'StartTritonWait',
      'ProbeTriton',
      'IsTritonReady',
      'AlignOnTriton',
      'CheckOutcome',
      'Done',
    ]);
    const result = await readJson('results/wf/speech.json');
    expect(result).toMatchObject({ model: { backend: 'triton' }, warnings: [] });
    const words = result.words as { start: number }[];
    expect(words).toHaveLength(truth.words.length);
    expect(median(words.map((word, i) => Math.abs(word.start - truth.words[i]!.start)))).toBeLessThan(0.1);
    expect(tritonTelemetry.successes).toHaveLength(1);
  });

  it('retries Triton answering 503 twice in the state machine, then succeeds without a failure record', async () => {
    // Prepare
    const { handlers, tritonTelemetry } = workflowHandlers({ tritonTries: 1 });
    injectFaults({ status503Times: 2 });

    // Act
    const execution = await runLocalExecution(definition, { bucket, key: 'incoming/wf/flaky.wav' }, handlers);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(retriesOf(execution.events, 'AlignOnTriton')).toBe(2);
    expect(triton.faults.status503Times).toBe(0);
    expect(await read('failed/wf/flaky.json')).toBeUndefined();
    expect(tritonTelemetry.failures).toEqual([]);
    expect(tritonTelemetry.successes).toHaveLength(1);
  });

  it('lets the Triton client absorb two 503s when it may try each request more than twice', async () => {
    // Prepare
    const { handlers } = workflowHandlers({ tritonTries: 3 });
    injectFaults({ status503Times: 2 });

    // Act
    const execution = await runLocalExecution(
      definition,
      { bucket, key: 'incoming/wf/retried.wav' },
      handlers,
    );

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(retriesOf(execution.events, 'AlignOnTriton')).toBe(0);
    expect(triton.faults.status503Times).toBe(0);
  });

  it('records Triton failing after it answered ready once the retries are spent, and fails with TRITON_UNAVAILABLE', async () => {
    // Prepare
    const { handlers, cpuTelemetry } = workflowHandlers({ tritonTries: 1 });
    injectFaults({ status503Times: 100 });

    // Act
    const execution = await runLocalExecution(definition, { bucket, key: 'incoming/wf/down.wav' }, handlers);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TRITON_UNAVAILABLE' });
    expect(retriesOf(execution.events, 'AlignOnTriton')).toBe(4);
    expect(triton.faults.status503Times).toBe(95);
    const record = await readJson('failed/wf/down.json');
    expect(record).toMatchObject({ error: { code: 'TRITON_UNAVAILABLE' }, attempt: 5 });
    expect(record.error.message).toContain('503');
    // The CPU Lambda writes the record of either branch, under the branch's Backend.
    expect(cpuTelemetry.failures).toEqual([{ code: 'TRITON_UNAVAILABLE', backend: 'triton' }]);
  });

  it('fails a corrupt file with its error code after the pipeline wrote the failure record', async () => {
    // Prepare
    const { handlers, tritonTelemetry } = workflowHandlers();

    // Act
    const execution = await runLocalExecution(
      definition,
      { bucket, key: 'incoming/wf/corrupt.wav' },
      handlers,
    );

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'AUDIO_DECODE' });
    expect(retriesOf(execution.events, 'AlignOnTriton')).toBe(0);
    expect(entered(execution.events)).not.toContain('RecordTritonFailure');
    expect((await readJson('failed/wf/corrupt.json')).error.code).toBe('AUDIO_DECODE');
    expect(tritonTelemetry.failures).toEqual([{ code: 'AUDIO_DECODE', backend: 'triton' }]);
  });

  it('skips an up-to-date result, and reprocesses it when the rerun says force', async () => {
    // Prepare
    const { handlers, tritonTelemetry } = workflowHandlers();
    const input = { bucket, key: 'incoming/wf/forced.wav' };
    await runLocalExecution(definition, input, handlers);
    const requestsAfterFirst = triton.requests;

    // Act
    const again = await runLocalExecution(definition, input, handlers);
    const requestsAfterAgain = triton.requests;
    const forced = await runLocalExecution(definition, { ...input, force: true }, handlers);

    // Assess
    expect(again).toMatchObject({ status: 'SUCCEEDED', output: { status: 'skipped' } });
    expect(forced).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded' } });
    // Only the readiness probe's two GETs (server, then model): no inference for the skipped file.
    const probes = entered(again.events).filter((state) => state === 'ProbeTriton').length;
    expect(requestsAfterAgain - requestsAfterFirst).toBe(2 * probes);
    expect(triton.requests).toBeGreaterThan(requestsAfterAgain);
    expect(tritonTelemetry.successes).toHaveLength(2);
  });

  it('runs the CPU Lambda when the input says backend cpu, which never hands the file off again', async () => {
    // Prepare
    const { handlers, cpuModel, tritonTelemetry } = workflowHandlers();
    const service = serveStartExecutionLocally(definition, handlers);

    // Act
    let execution: LocalExecution;
    try {
      execution = await runLocalExecution(
        definition,
        { bucket, key: 'incoming/wf/cpu.wav', backend: 'cpu' },
        handlers,
      );
    } finally {
      service.restore();
    }

    // Assess
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded' } });
    expect(entered(execution.events)).toContain('AlignOnCpu');
    expect((await readJson('results/wf/cpu.json')).model.backend).toBe('cpu');
    expect(cpuModel.calls).toBe(1);
    expect(tritonTelemetry.successes).toEqual([]);
    expect(service.started).toEqual([]);
  });

  it('retries a transient CPU failure, then records it once under Backend cpu and fails with its code', async () => {
    // Prepare
    const { handlers, cpuTelemetry, tritonTelemetry } = workflowHandlers({ cpuTimesOut: true });

    // Act
    const execution = await runLocalExecution(
      definition,
      { bucket, key: 'incoming/wf/cpu-timeout.wav', backend: 'cpu' },
      handlers,
    );

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TIMEOUT' });
    expect(retriesOf(execution.events, 'AlignOnCpu')).toBe(4);
    expect(await readJson('failed/wf/cpu-timeout.json')).toMatchObject({
      error: { code: 'TIMEOUT' },
      attempt: 5,
    });
    // Deferred by each attempt, counted once by the RecordCpuFailure step.
    expect(cpuTelemetry.failures).toEqual([{ code: 'TIMEOUT', backend: 'cpu' }]);
    expect(tritonTelemetry.failures).toEqual([]);
  });

  it.each([
    ['no key', { bucket: 'b' }],
    ['an empty bucket', { bucket: '', key: 'incoming/a.wav' }],
    ['an unknown backend', { bucket: 'b', key: 'incoming/a.wav', backend: 'gpu' }],
    ['a force that is not a boolean', { bucket: 'b', key: 'incoming/a.wav', force: 'yes' }],
  ])('fails fast with INVALID_INPUT on %s, invoking nothing', async (_, input) => {
    // Prepare
    const { handlers } = workflowHandlers();

    // Act
    const execution = await runLocalExecution(definition, input, handlers);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'INVALID_INPUT' });
    expect(entered(execution.events)).toEqual(['ValidateInput', 'InvalidInput']);
  });

  it('runs a file the CPU pipeline hands off (S3 event → StartExecution → Triton), once per file version', async () => {
    // Prepare
    const { handlers, tritonTelemetry } = workflowHandlers();
    const service = serveStartExecutionLocally(definition, handlers);
    const cpu = createCpuHandler(
      { ...env(), STATE_MACHINE_ARN },
      runtime(new RecordingTelemetry(), new StandInModel()),
    );
    const event = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: bucket }, object: { key: 'incoming/wf/large.wav' } },
        },
      ],
    };

    // Act
    let executions: LocalExecution[];
    try {
      await cpu(event);
      await cpu(event);
      executions = await Promise.all(service.started.map((execution) => execution.ended));
    } finally {
      service.restore();
    }

    // Assess
    expect(service.started).toHaveLength(1);
    expect(service.started[0]).toMatchObject({
      name: expect.stringMatching(/^w2v2-[0-9a-f]{64}$/),
      input: {
        bucket,
        key: 'incoming/wf/large.wav',
        transcriptKey: 'incoming/wf/large.json',
        backend: 'triton',
      },
    });
    expect(executions[0]).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded' } });
    expect((await readJson('results/wf/large.json')).model.backend).toBe('triton');
    expect(tritonTelemetry.successes).toHaveLength(1);
  });

  it('waits for a cold Triton that answers ready only after several probes: no file ends as TRITON_UNAVAILABLE', async () => {
    // Prepare
    const { handlers, tritonTelemetry, cpuTelemetry } = workflowHandlers();
    const files = ['cold-1', 'cold-2', 'cold-3', 'cold-4'];
    // A scaled-to-zero service behind its load balancer: readiness and inference answer 503 until it is up.
    injectFaults({ notReadyTimes: 14 });

    // Act
    const executions = await Promise.all(
      files.map((name) =>
        runLocalExecution(definition, { bucket, key: `incoming/wf/${name}.wav` }, handlers),
      ),
    );

    // Assess
    expect(executions.map((execution) => execution.status)).toEqual(files.map(() => 'SUCCEEDED'));
    const probes = executions.map(
      (execution) => entered(execution.events).filter((s) => s === 'ProbeTriton').length,
    );
    expect(probes.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(14 + files.length);
    expect(Math.max(...probes)).toBeGreaterThan(3);
    for (const execution of executions) expect(retriesOf(execution.events, 'AlignOnTriton')).toBe(0);
    for (const name of files) expect(await read(`failed/wf/${name}.json`)).toBeUndefined();
    expect(triton.faults.notReadyTimes).toBe(0);
    expect(tritonTelemetry.successes).toHaveLength(files.length);
    expect(cpuTelemetry.failures).toEqual([]);
  });

  it('fails a file with TRITON_UNAVAILABLE and a record once Triton never answers ready within the bound', async () => {
    // Prepare
    const machine = workflowDefinition({
      stateMachineName: 'w2v2-align-test',
      readiness: { intervalSeconds: 30, maxPolls: 3 },
    });
    const { handlers, cpuTelemetry } = workflowHandlers({ machine });
    injectFaults({ notReadyTimes: 100 });

    // Act
    const execution = await runLocalExecution(machine, { bucket, key: 'incoming/wf/never.wav' }, handlers);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TRITON_UNAVAILABLE' });
    expect(entered(execution.events).filter((state) => state === 'ProbeTriton')).toHaveLength(3);
    expect(entered(execution.events)).not.toContain('AlignOnTriton');
    const record = await readJson('failed/wf/never.json');
    expect(record.error.code).toBe('TRITON_UNAVAILABLE');
    expect(record.error.message).toMatch(/did not answer ready in 3 probes 30 s apart.*503/);
    expect(cpuTelemetry.failures).toEqual([{ code: 'TRITON_UNAVAILABLE', backend: 'triton' }]);
  });

  it('runs a forced rerun of a file already handed off, under a new execution name', async () => {
    // Prepare
    const { handlers } = workflowHandlers();
    const service = serveStartExecutionLocally(definition, handlers);
    const cpu = createCpuHandler(
      { ...env(), STATE_MACHINE_ARN },
      runtime(new RecordingTelemetry(), new StandInModel()),
    );
    const upload = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: bucket }, object: { key: 'incoming/wf/rerun-large.wav' } },
        },
      ],
    };

    // Act
    let executions: LocalExecution[];
    let requestsBetween: number;
    try {
      await cpu(upload);
      await service.started[0]!.ended;
      requestsBetween = triton.requests;
      await cpu({ bucket, key: 'incoming/wf/rerun-large.wav', force: true });
      await cpu({ bucket, key: 'incoming/wf/rerun-large.wav', force: true });
      executions = await Promise.all(service.started.map((execution) => execution.ended));
    } finally {
      service.restore();
    }

    // Assess
    expect(service.started).toHaveLength(3);
    expect(new Set(service.started.map((execution) => execution.name)).size).toBe(3);
    expect(service.started.slice(1).map((execution) => execution.input)).toEqual([
      expect.objectContaining({ force: true, backend: 'triton' }),
      expect.objectContaining({ force: true, backend: 'triton' }),
    ]);
    expect(executions.map((execution) => execution.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(
      executions.slice(1).map((execution) => (execution as { output: { status: string } }).output.status),
    ).toEqual(['succeeded', 'succeeded']);
    expect(triton.requests).toBeGreaterThan(requestsBetween);
  });

  describe('without a GPU branch (the zero-flag stack)', () => {
    let cpuOnlyDefinition: StateMachineDefinition;
    const cpuOnlyEnv = { LARGE_FILE_POLICY: 'refuse' };

    beforeAll(() => {
      cpuOnlyDefinition = workflowDefinition({ stateMachineName: 'w2v2-align-cpu', readiness: false });
    });

    it('reruns a file from the console on the CPU Lambda', async () => {
      // Prepare
      const { handlers, cpuModel } = workflowHandlers({ machine: cpuOnlyDefinition, cpuEnv: cpuOnlyEnv });

      // Act
      const execution = await runLocalExecution(
        cpuOnlyDefinition,
        { bucket, key: 'incoming/wf/cpu-only.wav', force: true },
        handlers,
      );

      // Assess
      expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded' } });
      expect(entered(execution.events)).toEqual(['ValidateInput', 'AlignOnCpu', 'CheckOutcome', 'Done']);
      expect((await readJson('results/wf/cpu-only.json')).model.backend).toBe('cpu');
      expect(cpuModel.calls).toBe(1);
    });

    it('fails a file above the CPU limit with a record that names the limit and how to enable the GPU branch', async () => {
      // Prepare
      const { handlers, cpuTelemetry } = workflowHandlers({
        machine: cpuOnlyDefinition,
        cpuEnv: { ...cpuOnlyEnv, LARGE_FILE_THRESHOLD_BYTES: '1000' },
      });

      // Act
      const execution = await runLocalExecution(
        cpuOnlyDefinition,
        { bucket, key: 'incoming/wf/cpu-only-big.wav' },
        handlers,
      );

      // Assess
      expect(execution).toMatchObject({ status: 'FAILED', error: 'AUDIO_TOO_LONG' });
      const record = await readJson('failed/wf/cpu-only-big.json');
      expect(record.error.code).toBe('AUDIO_TOO_LONG');
      expect(record.error.message).toMatch(
        /above the large-file threshold of 1000 bytes \(LARGE_FILE_THRESHOLD_BYTES\)/,
      );
      expect(record.error.message).toContain('-c tritonUrl=https://');
      expect(cpuTelemetry.failures).toEqual([{ code: 'AUDIO_TOO_LONG', backend: 'cpu' }]);
    });

    it("fails a rerun input with a field the Lambda does not know as INVALID_INPUT, the user's, not INTERNAL", async () => {
      // Prepare
      const { handlers, cpuTelemetry } = workflowHandlers({ machine: cpuOnlyDefinition, cpuEnv: cpuOnlyEnv });

      // Act
      const execution = await runLocalExecution(
        cpuOnlyDefinition,
        { bucket, key: 'incoming/wf/cpu-only.wav', colour: 'red' },
        handlers,
      );

      // Assess
      expect(execution).toMatchObject({ status: 'FAILED', error: 'INVALID_INPUT' });
      expect(cpuTelemetry.failures).toEqual([{ code: 'INVALID_INPUT', backend: 'cpu' }]);
    });

    it('fails a file whose descriptor asks for Triton with INVALID_INPUT, saying the GPU branch is off', async () => {
      // Prepare
      const { handlers } = workflowHandlers({ machine: cpuOnlyDefinition, cpuEnv: cpuOnlyEnv });

      // Act
      const execution = await runLocalExecution(
        cpuOnlyDefinition,
        { bucket, key: 'incoming/wf/cpu-only-triton.wav' },
        handlers,
      );

      // Assess
      expect(execution).toMatchObject({ status: 'FAILED', error: 'INVALID_INPUT' });
      expect((await readJson('failed/wf/cpu-only-triton.json')).error.message).toMatch(
        /the Triton backend was asked for, but this deployment has no GPU branch/,
      );
    });
  });
});
