import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { isRetryableError } from '../concurrency/retry';
import { AlignError } from '../errors';
import { attemptExecutionName, executionArn, executionName, forcedExecutionName } from './execution-names';

/** The state machine's input (docs/reruns.md#the-input); the same document reruns one file from the console. */
export interface StepFunctionsInput {
  bucket: string;
  key: string;
  transcriptKey?: string;
  backend?: 'triton' | 'cpu';
  force?: true;
}

/** Executions of one file version, the first included, before a retry gives up and asks for a forced rerun. */
export const MAX_EXECUTION_ATTEMPTS = 20;

/**
 * Closed without a result: the next delivery of the event is a retry and gets the next attempt's name. Any other
 * status (running, succeeded, pending redrive, or one added later) means the work is done or under way.
 */
const ENDED_WITHOUT_RESULT: ReadonlySet<ExecutionStatus | undefined> = new Set([
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

/** Hands large files to the GPU state machine (StartExecution, and DescribeExecution of a name already taken). */
export class LargeFileHandoff {
  public constructor(
    private readonly client: Pick<SFNClient, 'send'>,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * Starts the execution for this file version, or finds it running or succeeded; returns its name. A forced
   * input always starts a new execution.
   */
  public async start(
    input: StepFunctionsInput,
    audioEtag: string,
    transcriptEtag: string | undefined,
  ): Promise<string> {
    const first =
      input.force === true
        ? forcedExecutionName(input.key, audioEtag, transcriptEtag)
        : executionName(input.key, audioEtag, transcriptEtag);
    let name = first;
    for (let attempt = 1; attempt <= MAX_EXECUTION_ATTEMPTS; attempt += 1) {
      name = attemptExecutionName(first, attempt);
      if (await this.startExecution(input, name)) return name;
      if (!ENDED_WITHOUT_RESULT.has(await this.status(input, name))) return name;
    }
    throw new AlignError(
      'TRITON_UNAVAILABLE',
      `${MAX_EXECUTION_ATTEMPTS} executions of s3://${input.bucket}/${input.key} (the last ${name}) ended ` +
        'without a result; rerun it with force to start another',
    );
  }

  /** False when the name is taken by a closed execution or one with another input (ExecutionAlreadyExists). */
  private async startExecution(input: StepFunctionsInput, name: string): Promise<boolean> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return false;
      throw this.unavailable(input, error);
    }
  }

  private async status(input: StepFunctionsInput, name: string): Promise<ExecutionStatus | undefined> {
    try {
      const { status } = await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) }),
      );
      return status;
    } catch (error) {
      throw this.unavailable(input, error);
    }
  }

  private unavailable(input: StepFunctionsInput, error: unknown): AlignError {
    return new AlignError(
      'TRITON_UNAVAILABLE',
      `could not hand s3://${input.bucket}/${input.key} to the state machine ${this.stateMachineArn}: ${(error as Error).message}`,
      { cause: error, retryable: isRetryableError(error) },
    );
  }
}
