import {
  ExecutionAlreadyExists,
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
 * named states take `retryPauseMs` instead of their real, jittered intervals.
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
  const execution = machine.run(input as JsonValue, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
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

/**
 * Serves StartExecution locally: every SFNClient in the process (the CPU pipeline's hand-off included) starts
 * a local execution of `definition`; a name already used is refused with ExecutionAlreadyExists, as Step
 * Functions refuses it. Call `restore()` when done.
 */
export function serveStartExecutionLocally(
  definition: StateMachineDefinition,
  handlers: TaskHandlers,
): { started: StartedExecution[]; restore: () => void } {
  const started: StartedExecution[] = [];
  const sfn = mockClient(SFNClient);
  sfn.on(StartExecutionCommand).callsFake(async (command: StartExecutionInput) => {
    const name = command.name ?? `local-${started.length}`;
    if (started.some((execution) => execution.name === name)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: {} });
    }
    const input: unknown = JSON.parse(command.input ?? '{}');
    started.push({ name, input, ended: runLocalExecution(definition, input, handlers) });
    return { executionArn: `${command.stateMachineArn}:${name}`, startDate: new Date() };
  });
  return { started, restore: () => sfn.restore() };
}
