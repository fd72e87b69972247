import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { serveStartExecutionLocally } from './local-stepfunctions';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:local';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:local:run-1';

const definition: StateMachineDefinition = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', End: true },
  },
};

describe('serveStartExecutionLocally', () => {
  const client = new SFNClient({ region: 'us-east-1' });
  const startCommand = (name: string, input: object): StartExecutionCommand =>
    new StartExecutionCommand({ stateMachineArn: ARN, name, input: JSON.stringify(input) });
  const executionStatus = (): Promise<string | undefined> =>
    client.send(new DescribeExecutionCommand({ executionArn: EXECUTION_ARN })).then(({ status }) => status);
  let service: ReturnType<typeof serveStartExecutionLocally>;
  let finish: () => void;

  beforeEach(() => {
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    service = serveStartExecutionLocally(definition, {
      Work: async (input) => {
        await finished;
        if ((input as { fail?: boolean }).fail === true) throw new Error('work failed');
        return input;
      },
    });
  });

  afterEach(async () => {
    finish();
    await Promise.all(service.started.map((execution) => execution.ended));
    service.restore();
  });

  it('answers a start of a running execution with the same name and input as the first start, starting nothing', async () => {
    // Prepare
    const first = await client.send(startCommand('run-1', { n: 1 }));

    // Act
    const again = await client.send(startCommand('run-1', { n: 1 }));

    // Assess
    expect(first.executionArn).toBe(EXECUTION_ARN);
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    expect(service.started).toHaveLength(1);
    expect(await executionStatus()).toBe('RUNNING');
  });

  it('refuses a running execution name with another input', async () => {
    // Prepare
    await client.send(startCommand('run-1', { n: 1 }));

    // Act
    const other = client.send(startCommand('run-1', { n: 2 }));

    // Assess
    await expect(other).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(service.started).toHaveLength(1);
  });

  it.each([
    [{ n: 1 }, 'SUCCEEDED'],
    [{ fail: true }, 'FAILED'],
  ])(
    'describes an execution of %j that ended as %s and refuses its name from then on',
    async (input, status) => {
      // Prepare
      await client.send(startCommand('run-1', input));
      finish();
      await service.started[0]?.ended;

      // Act
      const described = await executionStatus();
      const again = client.send(startCommand('run-1', input));

      // Assess
      expect(described).toBe(status);
      await expect(again).rejects.toBeInstanceOf(ExecutionAlreadyExists);
      expect(service.started).toHaveLength(1);
    },
  );

  it('refuses names outside 1-80 characters of [A-Za-z0-9_-] and describes no unknown execution', async () => {
    // Act
    const tooLong = client.send(startCommand('a'.repeat(81), {}));
    const badCharacter = client.send(startCommand('run 1', {}));
    const unknown = executionStatus();

    // Assess
    await expect(tooLong).rejects.toBeInstanceOf(InvalidName);
    await expect(badCharacter).rejects.toBeInstanceOf(InvalidName);
    await expect(unknown).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    expect(service.started).toEqual([]);
  });
});
