import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge } from './nag-findings';
import { stateMachineLogGroupName } from './physical-names';
import {
  DEFAULT_WORKFLOW_RETRY,
  RETRYABLE_ERRORS,
  type TritonReadiness,
  type WorkflowRetry,
  workflowStateMachineName,
} from './workflow-settings';

/** The GPU branch of the workflow: the Triton Lambda and how long to wait for Triton to be ready. */
export interface WorkflowTritonBranch {
  /** Runs one activity on Triton (`lambdas/triton-align`) and answers the readiness probe. */
  function: lambda.IFunction;
  readiness: TritonReadiness;
}

/** What the alignment workflow needs: the CPU Lambda, the GPU branch when there is one, and tuning. */
export interface AlignmentWorkflowProps {
  /**
   * The CPU alignment Lambda (`lambdas/align-cpu`): runs the CPU branch, and writes the failure record of a
   * file whose retries are spent on either branch (it needs no network path to Triton, so it can always do so).
   */
  cpuFunction: lambda.IFunction;
  /** Without it the workflow runs every file on the CPU Lambda (the CPU-only stack). */
  triton?: WorkflowTritonBranch | undefined;
  /**
   * A fixed state machine name, so its ARN is known before it exists (see `bindStarter`); default: the
   * stack name + `-alignment`, cut to Step Functions' 80 characters.
   */
  stateMachineName?: string;
  /** Retry of transient failures (Triton down, throttling, Lambda service errors); defaults in workflow-settings. */
  retry?: Partial<WorkflowRetry>;
  /** Longest one alignment Lambda call may take before it counts as TIMEOUT; default 15 minutes (Lambda's cap). */
  taskTimeout?: Duration;
  /** Execution log retention; default one month. */
  logRetention?: logs.RetentionDays;
}

/**
 * The Step Functions Standard state machine (JSONPath) of docs/reruns.md: validate the input, run the
 * activity on Triton (or on the CPU Lambda when `backend` is "cpu", or always when there is no GPU branch),
 * wait for Triton to answer ready first, retry transient failures with jittered backoff, and end a failed
 * file with a failure record, failure metrics and a Fail state whose Error is the error code
 * (docs/errors.md#codes).
 */
export class AlignmentWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** Where executions log (level ALL, with execution data). */
  public readonly logGroup: logs.LogGroup;
  /** The fixed state machine name. */
  public readonly stateMachineName: string;
  /**
   * The state machine's ARN formatted from its fixed name: referring to it creates no CloudFormation
   * dependency on the state machine, so the Lambdas it invokes may start it (see `bindStarter`).
   */
  public readonly stateMachineArn: string;
  private readonly retry: WorkflowRetry;
  private readonly taskTimeout: sfn.Timeout;
  private readonly activityFailed: sfn.Fail;
  private readonly failureNotRecorded: sfn.Fail;
  private readonly checkOutcome: sfn.Choice;

  public constructor(scope: Construct, id: string, props: AlignmentWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.stateMachineName = props.stateMachineName ?? workflowStateMachineName(stack.stackName);
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.retry = { ...DEFAULT_WORKFLOW_RETRY, ...props.retry };
    this.taskTimeout = sfn.Timeout.duration(props.taskTimeout ?? Duration.minutes(15));

    const invalidInput = new sfn.Fail(this, 'InvalidInput', {
      error: 'INVALID_INPUT',
      cause:
        'expected {"bucket": "<bucket>", "key": "incoming/<path>/<name>.<ext>", "transcriptKey"?: "<key>", ' +
        '"backend"?: "triton"|"cpu", "force"?: true}',
    });
    const alignmentFailed = new sfn.Fail(this, 'AlignmentFailed', {
      errorPath: '$.outcome.response.error.code',
      causePath: '$.outcome.response.error.message',
    });
    this.activityFailed = new sfn.Fail(this, 'ActivityFailed', {
      errorPath: '$.recorded.failure.code',
      causePath: '$.recorded.failure.message',
    });
    this.failureNotRecorded = new sfn.Fail(this, 'FailureNotRecorded', {
      error: 'INTERNAL',
      cause: 'the activity failed and its failure record could not be written; see the execution history',
    });
    const done = new sfn.Succeed(this, 'Done', { outputPath: '$.outcome.response' });
    this.checkOutcome = new sfn.Choice(this, 'CheckOutcome')
      .when(sfn.Condition.stringEquals('$.outcome.response.status', 'failed'), alignmentFailed)
      .otherwise(done);

    const recordCpuFailure = this.recordFailure('RecordCpuFailure', props.cpuFunction, 'cpu');
    const alignOnCpu = this.align('AlignOnCpu', props.cpuFunction, recordCpuFailure);
    let start: sfn.IChainable = alignOnCpu;
    if (props.triton !== undefined) {
      const recordTritonFailure = this.recordFailure('RecordTritonFailure', props.cpuFunction, 'triton');
      const alignOnTriton = this.align('AlignOnTriton', props.triton.function, recordTritonFailure);
      start = new sfn.Choice(this, 'ChooseBackend')
        .when(
          sfn.Condition.and(
            sfn.Condition.isPresent('$.backend'),
            sfn.Condition.stringEquals('$.backend', 'cpu'),
          ),
          alignOnCpu,
        )
        .otherwise(this.awaitReadiness(props.triton, alignOnTriton, recordTritonFailure));
    }
    const validateInput = new sfn.Choice(this, 'ValidateInput')
      .when(validInput(), start)
      .otherwise(invalidInput);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: stateMachineLogGroupName(this, 'alignment'),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Kept after an update or delete, not after a failed create (RetainExceptOnCreate), so a retried create
      // never meets it; the stack id in the name keeps a re-created stack of the same name clear of it too.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(validateInput),
      comment:
        props.triton === undefined
          ? 'w2v2-align: one file on the CPU Lambda, with retries and a failure record (docs/reruns.md)'
          : 'w2v2-align: one file on Triton (default) or CPU, with retries and a failure record (docs/reruns.md)',
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
  }

  /**
   * Lets a function start executions (the CPU pipeline's large-file hand-off): sets STATE_MACHINE_ARN and
   * grants states:StartExecution on the formatted ARN, which, unlike a Ref, adds no dependency cycle, and
   * states:DescribeExecution on its executions, which tells a finished hand-off from a failed one.
   */
  public bindStarter(fn: lambda.Function): void {
    fn.addEnvironment('STATE_MACHINE_ARN', this.stateMachineArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${this.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    // The grant lands in the policy of the function's role, which need not live under the function.
    acknowledge(fn.role ?? fn, [
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${this.stateMachineName}:*]`,
        reason:
          'Describing the executions this function started, whose names derive from the file and are not ' +
          'known at deploy time; the wildcard is confined to the one state machine.',
      },
    ]);
  }

  /** A task that runs the activity on `fn`, retries transient failures, and hands the rest to `record`. */
  private align(stateId: string, fn: lambda.IFunction, record: sfn.IChainable): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, stateId, {
      lambdaFunction: fn,
      // The execution's own input (docs/reruns.md#the-input), untouched by what earlier states added (the
      // readiness probes).
      payload: sfn.TaskInput.fromJsonPathAt('$$.Execution.Input'),
      resultSelector: { 'response.$': '$.Payload' },
      resultPath: '$.outcome',
      retryOnServiceExceptions: false,
      taskTimeout: this.taskTimeout,
    });
    task.addRetry({ ...retryProps(this.retry), errors: [...RETRYABLE_ERRORS] });
    task.addCatch(record, { errors: ['States.ALL'], resultPath: '$.failure' });
    task.next(this.checkOutcome);
    return task;
  }

  /** The state that writes the failure record of `$.failure` for a file that ran (or waited) on `backend`. */
  private recordFailure(stateId: string, recorder: lambda.IFunction, backend: 'cpu' | 'triton') {
    const task = new tasks.LambdaInvoke(this, stateId, {
      lambdaFunction: recorder,
      payload: sfn.TaskInput.fromObject({
        recordFailure: {
          input: sfn.JsonPath.objectAt('$$.Execution.Input'),
          failure: sfn.JsonPath.objectAt('$.failure'),
          maxAttempts: this.retry.maxAttempts,
          backend,
        },
      }),
      resultSelector: { 'failure.$': '$.Payload' },
      resultPath: '$.recorded',
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
    });
    task.addRetry({ ...retryProps(this.retry), errors: [...RETRYABLE_ERRORS] });
    task.addCatch(this.failureNotRecorded, { errors: ['States.ALL'], resultPath: '$.recordError' });
    return task.next(this.activityFailed);
  }

  /**
   * Probes Triton (through its Lambda, which reaches it) until it answers ready, `intervalSeconds` apart,
   * then goes on to `next`; after `maxPolls` probes the file fails with TRITON_UNAVAILABLE.
   * Waiting here rather than in retries keeps a cold start out of the retry budget, and the probes are the
   * demand that wakes a scaled-to-zero service.
   */
  private awaitReadiness(
    triton: WorkflowTritonBranch,
    next: sfn.IChainable,
    record: sfn.IChainable,
  ): sfn.IChainable {
    const { intervalSeconds, maxPolls } = triton.readiness;
    const first = new sfn.Pass(this, 'StartTritonWait', {
      result: sfn.Result.fromObject({ polls: 1 }),
      resultPath: '$.readiness',
    });
    const probe = new tasks.LambdaInvoke(this, 'ProbeTriton', {
      lambdaFunction: triton.function,
      payload: sfn.TaskInput.fromObject({ probe: 'triton-ready' }),
      resultSelector: { 'ready.$': '$.Payload.ready', 'detail.$': '$.Payload.detail' },
      resultPath: '$.readiness.probe',
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
    });
    probe.addRetry({ ...retryProps(this.retry), errors: [...RETRYABLE_ERRORS] });
    probe.addCatch(record, { errors: ['States.ALL'], resultPath: '$.failure' });
    const minutes = Math.round((intervalSeconds * (maxPolls - 1)) / 60);
    const neverReady = new sfn.Pass(this, 'TritonNeverReady', {
      parameters: {
        Error: 'PermanentFailure',
        'Cause.$':
          `States.Format('TRITON_UNAVAILABLE: Triton did not answer ready in ${maxPolls} probes ` +
          `${intervalSeconds} s apart (about ${minutes} minutes); the last probe saw: {}', $.readiness.probe.detail)`,
      },
      resultPath: '$.failure',
    });
    neverReady.next(record);
    const wait = new sfn.Wait(this, 'WaitForTriton', {
      time: sfn.WaitTime.duration(Duration.seconds(intervalSeconds)),
    });
    const count = new sfn.Pass(this, 'CountTritonProbe', {
      parameters: { 'polls.$': 'States.MathAdd($.readiness.polls, 1)' },
      resultPath: '$.readiness',
    });
    const isReady = new sfn.Choice(this, 'IsTritonReady')
      .when(sfn.Condition.booleanEquals('$.readiness.probe.ready', true), next)
      .when(sfn.Condition.numberGreaterThanEquals('$.readiness.polls', maxPolls), neverReady)
      .otherwise(wait.next(count).next(probe));
    return first.next(probe).next(isReady);
  }
}

function retryProps(retry: WorkflowRetry): Omit<sfn.RetryProps, 'errors'> {
  return {
    interval: Duration.seconds(retry.intervalSeconds),
    backoffRate: retry.backoffRate,
    maxAttempts: retry.maxAttempts,
    maxDelay: Duration.seconds(retry.maxDelaySeconds),
    jitterStrategy: sfn.JitterType.FULL,
  };
}

/**
 * bucket and key are required non-empty strings; transcriptKey, backend and force are checked only when
 * present. `And`/`Or` stop at the first deciding rule, so a type test never reads a missing field.
 */
function validInput(): sfn.Condition {
  const { and, or, not, isPresent, isString, isBoolean, stringEquals } = sfn.Condition;
  const requiredString = (path: string): sfn.Condition =>
    and(isPresent(path), isString(path), not(stringEquals(path, '')));
  const optional = (path: string, check: sfn.Condition): sfn.Condition => or(not(isPresent(path)), check);
  return and(
    requiredString('$.bucket'),
    requiredString('$.key'),
    optional('$.transcriptKey', requiredString('$.transcriptKey')),
    optional('$.backend', or(stringEquals('$.backend', 'triton'), stringEquals('$.backend', 'cpu'))),
    optional('$.force', isBoolean('$.force')),
  );
}
