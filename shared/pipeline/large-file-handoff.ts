import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AlignError } from '../errors';
import { isRetryableError } from '../s3/retry';

/** The state machine's input (SPEC §7); the same document reruns one file from the console. */
export interface StepFunctionsInput {
  bucket: string;
  key: string;
  transcriptKey?: string;
  backend?: 'triton' | 'cpu';
  force?: true;
}

/**
 * A deterministic execution name, so a duplicate event starts nothing new: Step Functions refuses a second
 * execution of the same name (80 characters of [A-Za-z0-9_-]), which we take as success.
 */
export function executionName(key: string, audioEtag: string, transcriptEtag: string | undefined): string {
  const digest = createHash('sha256')
    .update(`${key}\n${audioEtag}\n${transcriptEtag ?? ''}`)
    .digest('hex');
  return `w2v2-${digest.slice(0, 64)}`;
}

/** Hands large files to the GPU state machine (StartExecution). */
export class LargeFileHandoff {
  public constructor(
    private readonly client: Pick<SFNClient, 'send'>,
    private readonly stateMachineArn: string,
  ) {}

  /** Starts (or finds already started) the execution for this file version; returns its name. */
  public async start(
    input: StepFunctionsInput,
    audioEtag: string,
    transcriptEtag: string | undefined,
  ): Promise<string> {
    const name = executionName(input.key, audioEtag, transcriptEtag);
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return name;
      throw new AlignError(
        'TRITON_UNAVAILABLE',
        `could not hand s3://${input.bucket}/${input.key} to the state machine ${this.stateMachineArn}: ${(error as Error).message}`,
        { cause: error, retryable: isRetryableError(error) },
      );
    }
    return name;
  }
}
