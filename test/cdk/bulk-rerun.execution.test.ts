import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { BulkRerun } from '../../cdk/constructs/bulk-rerun';
import { asIBucket } from '../../cdk/constructs/construct-interfaces';
import { rerunInputSchema } from '../../shared/events/s3-event-schemas';
import { localLambdaHandlers, runLocalExecution } from '../helpers/local-stepfunctions';
import { placeholder } from './placeholder-values';

/** The bulk-rerun definition as deployed, with placeholders for the bucket and the function ARN. */
function bulkRerunDefinition(): { definition: StateMachineDefinition; functionArn: string } {
  const stack = new Stack(new App(), 'Rerun');
  const alignFunction = new lambda.Function(stack, 'Align', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const rerun = new BulkRerun(stack, 'BulkRerun', {
    bucket: asIBucket(new s3.Bucket(stack, 'Data')),
    incomingPrefix: 'incoming/',
    reportPrefix: 'tmp/reruns/',
    alignFunction,
    maxConcurrency: 20,
    toleratedFailurePercentage: 10,
  });
  const resources = Template.fromStack(stack).toJSON().Resources;
  const machine = resources[stack.getLogicalId(rerun.stateMachine.node.defaultChild as never)];
  return {
    definition: JSON.parse(placeholder(machine.Properties.DefinitionString)),
    functionArn: placeholder({
      'Fn::GetAtt': [stack.getLogicalId(alignFunction.node.defaultChild as never), 'Arn'],
    }),
  };
}

describe('BulkRerun state machine', () => {
  const { definition, functionArn } = bulkRerunDefinition();
  const map = (definition.States as Record<string, { ItemProcessor: StateMachineDefinition }>).EachObject!;
  const perFile = {
    StartAt: map.ItemProcessor.StartAt,
    States: map.ItemProcessor.States,
  } as StateMachineDefinition;

  /** Runs the per-file processor on one listed object; `answer` plays the CPU Lambda. */
  async function processItem(item: unknown, answer: (event: unknown) => unknown) {
    const events: unknown[] = [];
    const handlers = localLambdaHandlers(perFile, {
      [functionArn]: async (event) => {
        events.push(event);
        // The Lambda's rerun input is strict: an extra or null field would be rejected there.
        rerunInputSchema.parse(event);
        return answer(event);
      },
    });
    return { execution: await runLocalExecution(perFile, item, handlers), events };
  }

  /** Runs validation and defaults up to the Distributed Map, which is replaced by a Pass. */
  async function prepareRun(input: unknown) {
    const upToMap = {
      ...definition,
      States: { ...definition.States, EachObject: { Type: 'Pass', End: true } },
    } as StateMachineDefinition;
    return runLocalExecution(upToMap, input, {});
  }

  it('aligns each audio object with force and without a backend unless the run names one', async () => {
    // Prepare
    const item = {
      bucket: 'data',
      key: 'incoming/a/lesson one.WAV',
      options: { prefix: 'incoming/a/', force: true, backend: 'pipeline' },
    };
    const named = { ...item, options: { ...item.options, backend: 'triton' } };
    const succeed = (event: unknown) => ({ status: 'succeeded', key: (event as { key: string }).key });

    // Act
    const [plain, onTriton] = [await processItem(item, succeed), await processItem(named, succeed)];

    // Assess
    expect(plain.execution.status).toBe('SUCCEEDED');
    expect(plain.events).toEqual([{ bucket: 'data', key: 'incoming/a/lesson one.WAV', force: true }]);
    expect(onTriton.events).toEqual([
      { bucket: 'data', key: 'incoming/a/lesson one.WAV', force: true, backend: 'triton' },
    ]);
  });

  it('skips objects that are not audio, such as transcripts', async () => {
    // Prepare
    const item = {
      bucket: 'data',
      key: 'incoming/a/lesson.txt',
      options: { prefix: 'incoming/a/', force: true, backend: 'pipeline' },
    };

    // Act
    const { execution, events } = await processItem(item, () => ({ status: 'succeeded' }));

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(events).toEqual([]);
  });

  it("fails the item with the file's error code when the file failed", async () => {
    // Prepare
    const item = {
      bucket: 'data',
      key: 'incoming/a/bad.mp3',
      options: { prefix: 'incoming/a/', force: false, backend: 'pipeline' },
    };

    // Act
    const { execution } = await processItem(item, (event) => ({
      status: 'failed',
      key: (event as { key: string }).key,
      error: { code: 'AUDIO_DECODE', message: 'not an MP3 stream' },
    }));

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'AUDIO_DECODE', cause: 'not an MP3 stream' });
  });

  it("defaults force to true and the backend to the pipeline's choice, keeping what the run says", async () => {
    // Prepare
    const inputs = [{ prefix: 'incoming/a/' }, { prefix: 'incoming/a/', force: false, backend: 'cpu' }];

    // Act
    const runs = await Promise.all(inputs.map(prepareRun));

    // Assess
    expect(runs.map((run) => (run.status === 'SUCCEEDED' ? run.output : run))).toEqual([
      { prefix: 'incoming/a/', force: true, backend: 'pipeline' },
      { prefix: 'incoming/a/', force: false, backend: 'cpu' },
    ]);
  });

  it.each([
    ['a prefix outside incoming/', { prefix: 'results/a/' }],
    ['no prefix', { force: true }],
    ['a numeric prefix', { prefix: 7 }],
    ['an unknown backend', { prefix: 'incoming/', backend: 'gpu' }],
    ['a string force', { prefix: 'incoming/', force: 'yes' }],
  ])('refuses %s as INVALID_INPUT before listing anything', async (_label, input) => {
    // Prepare
    const run = () => prepareRun(input);

    // Act
    const execution = await run();

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'INVALID_INPUT' });
  });
});
