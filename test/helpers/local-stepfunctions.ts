import {
  DescribeExecutionCommand,
  type DescribeExecutionInput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionInput,
} from '@aws-sdk/client-sfn';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';

/** One event of an execution's log (StateEntered, StateRetried, ExecutionFailed, ...). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
/** Task state name → the local function run in place of its resource. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = ReturnType<TaskHandlers[string]> extends Promise<infer V> | infer V ? V : never;

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+); Node 20 runs the tests, so add it here.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: <T>(): {
      promise: Promise<T>;
      resolve: (value: T) => void;
      reject: (reason?: unknown) => void;
    } => {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

/** A Lambda handler as the tests run it: the event in, the answer (or a thrown error) out. */
export type LocalLambda = (event: unknown) => Promise<unknown>;

/** How one local execution ended. */
export type LocalExecution =
  | { status: 'SUCCEEDED'; output: unknown; events: EventLog[] }
  | { status: 'FAILED'; error: string; cause: string | undefined; events: EventLog[] };

/** The optimized Lambda integration's resource; its Parameters carry FunctionName and Payload. */
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;

interface TaskState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
}

/**
 * Maps each Task state of `definition` to the local handler of the function it invokes (by ARN), wrapped as
 * Step Functions' Lambda integration does it: the Payload goes in, `{Payload, StatusCode}` comes out, and a
 * thrown error surfaces with its name as the Error and Lambda's JSON error document as the Cause.
 */
export function localLambdaHandlers(
  definition: StateMachineDefinition,
  byFunctionArn: Readonly<Record<string, LocalLambda>>,
): TaskHandlers {
  const handlers: TaskHandlers = {};
  for (const [name, state] of Object.entries(definition.States as Record<string, TaskState>)) {
    if (state.Type !== 'Task') continue;
    const optimized = LAMBDA_INVOKE.test(state.Resource ?? '');
    const arn = optimized ? state.Parameters?.FunctionName : state.Resource;
    const handler = arn === undefined ? undefined : byFunctionArn[arn];
    if (handler === undefined) throw new Error(`no local handler for the function of state ${name} (${arn})`);
    handlers[name] = async (input) => {
      const event = optimized ? (input as { Payload: unknown }).Payload : input;
      const answer = await invokeAsLambda(handler, event);
      return optimized ? { Payload: answer, StatusCode: 200, ExecutedVersion: '$LATEST' } : answer;
    };
  }
  return handlers;
}

async function invokeAsLambda(handler: LocalLambda, event: unknown): Promise<JsonValue> {
  try {
    // A JSON round trip, as Lambda serializes both ways: no shared references, no undefined fields.
    return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)))) ?? null));
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    const failure = new Error(
      JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: [] }),
    );
    failure.name = thrown.name;
    throw failure;
  }
}

/**
 * Runs one execution of `definition` locally with `handlers` (see localLambdaHandlers); Retry pauses of the
 * named states and every Wait state take `retryPauseMs` instead of their real intervals.
 */
export async function runLocalExecution(
  definition: StateMachineDefinition,
  input: unknown,
  handlers: TaskHandlers,
  retryPauseMs = 1,
): Promise<LocalExecution> {
  const machine = new StateMachine(definition);
  const retryIntervalOverrides = Object.fromEntries(
    Object.keys(handlers).map((name) => [name, retryPauseMs]),
  );
  const waitTimeOverrides = Object.fromEntries(
    Object.entries(definition.States as Record<string, { Type: string }>)
      .filter(([, state]) => state.Type === 'Wait')
      .map(([name]) => [name, retryPauseMs]),
  );
  const execution = machine.run(input as JsonValue, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides, waitTimeOverrides },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { status: 'SUCCEEDED', output, events };
  } catch (error) {
    await collecting;
    const failure = error instanceof Error && error.cause instanceof Error ? error.cause : (error as Error);
    return { status: 'FAILED', error: failure.name, cause: failure.message, events };
  }
}

/** A started local execution: its name, input and (eventual) end. */
export interface StartedExecution {
  name: string;
  input: unknown;
  ended: Promise<LocalExecution>;
}

/** Execution names as the project keeps them: 1-80 ASCII letters, digits, `-` and `_`. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** What StartExecution and DescribeExecution answer about one local execution. */
interface ServedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: Date;
  status: 'RUNNING' | LocalExecution['status'];
}

/**
 * Serves StartExecution and DescribeExecution locally, for every SFNClient in the process (the CPU pipeline's
 * hand-off included), by Step Functions' rules for a STANDARD workflow: a new name (1-80 characters of
 * [A-Za-z0-9_-], else InvalidName) starts a local execution of `definition`; the same name and input while
 * that execution runs answers as its start did, starting nothing; the same name once it has ended, or with
 * another input, is refused with ExecutionAlreadyExists. DescribeExecution says RUNNING until `ended`
 * settles, then how it ended. Call `restore()` when done.
 */
export function serveStartExecutionLocally(
  definition: StateMachineDefinition,
  handlers: TaskHandlers,
): { started: StartedExecution[]; restore: () => void } {
  const started: StartedExecution[] = [];
  const served = new Map<string, ServedExecution>();
  const sfn = mockClient(SFNClient);
  sfn.on(StartExecutionCommand).callsFake(async (command: StartExecutionInput) => {
    const stateMachineArn = command.stateMachineArn ?? '';
    const name = command.name ?? `local-${started.length}`;
    if (!EXECUTION_NAME.test(name)) {
      throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: {} });
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const input = command.input ?? '{}';
    const existing = served.get(executionArn);
    if (existing?.status === 'RUNNING' && existing.input === input) {
      return { executionArn, startDate: existing.startDate };
    }
    if (existing !== undefined) {
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${executionArn}'`,
        $metadata: {},
      });
    }
    const execution: ServedExecution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
    };
    const ended = runLocalExecution(definition, JSON.parse(input), handlers);
    void ended.then(({ status }) => {
      execution.status = status;
    });
    served.set(executionArn, execution);
    started.push({ name, input: JSON.parse(input), ended });
    return { executionArn, startDate: execution.startDate };
  });
  sfn.on(DescribeExecutionCommand).callsFake(async (command: DescribeExecutionInput) => {
    const execution = served.get(command.executionArn ?? '');
    if (execution === undefined) {
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${command.executionArn}'`,
        $metadata: {},
      });
    }
    return { ...execution };
  });
  return { started, restore: () => sfn.restore() };
}
