import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  DEFAULT_WORKFLOW_RETRY,
  RETRYABLE_ERRORS,
  type WorkflowRetry,
  workflowStateMachineName,
} from './workflow-settings';

/** What the GPU/rerun workflow needs: the two alignment Lambdas, and optional tuning. */
export interface AlignmentWorkflowProps {
  /** Runs one activity on Triton (`lambdas/triton-align`); also writes the final failure record. */
  tritonFunction: lambda.IFunction;
  /** The CPU alignment Lambda (`lambdas/align-cpu`), invoked with `backend: "cpu"` so it never hands off. */
  cpuFunction: lambda.IFunction;
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
  /** What happens to the execution log group when the stack goes; default RETAIN (logs outlive stacks). */
  logRemovalPolicy?: RemovalPolicy;
}

/**
 * The Step Functions Standard state machine (JSONPath) of SPEC §7: validate the input, run the activity on
 * Triton (or on the CPU Lambda when `backend` is "cpu"), retry transient failures with jittered backoff, and
 * end a failed file with a failure record, failure metrics and a Fail state whose Error is the SPEC §8 code.
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
    const retry: WorkflowRetry = { ...DEFAULT_WORKFLOW_RETRY, ...props.retry };
    const taskTimeout = sfn.Timeout.duration(props.taskTimeout ?? Duration.minutes(15));

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
    const activityFailed = new sfn.Fail(this, 'ActivityFailed', {
      errorPath: '$.recorded.failure.code',
      causePath: '$.recorded.failure.message',
    });
    const failureNotRecorded = new sfn.Fail(this, 'FailureNotRecorded', {
      error: 'INTERNAL',
      cause: 'the activity failed and its failure record could not be written; see the execution history',
    });
    const done = new sfn.Succeed(this, 'Done', { outputPath: '$.outcome.response' });

    const recordFailure = new tasks.LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: props.tritonFunction,
      payload: sfn.TaskInput.fromObject({
        recordFailure: {
          input: sfn.JsonPath.objectAt('$$.Execution.Input'),
          failure: sfn.JsonPath.objectAt('$.failure'),
          maxAttempts: retry.maxAttempts,
        },
      }),
      resultSelector: { 'failure.$': '$.Payload' },
      resultPath: '$.recorded',
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(1)),
    });
    recordFailure.addRetry({ ...retryProps(retry), errors: [...RETRYABLE_ERRORS] });
    recordFailure.addCatch(failureNotRecorded, { errors: ['States.ALL'], resultPath: '$.recordError' });
    recordFailure.next(activityFailed);

    const checkOutcome = new sfn.Choice(this, 'CheckOutcome')
      .when(sfn.Condition.stringEquals('$.outcome.response.status', 'failed'), alignmentFailed)
      .otherwise(done);
    const align = (stateId: string, fn: lambda.IFunction): sfn.Chain => {
      const task = new tasks.LambdaInvoke(this, stateId, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromJsonPathAt('$'),
        resultSelector: { 'response.$': '$.Payload' },
        resultPath: '$.outcome',
        retryOnServiceExceptions: false,
        taskTimeout,
      });
      task.addRetry({ ...retryProps(retry), errors: [...RETRYABLE_ERRORS] });
      task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task.next(checkOutcome);
    };
    const alignOnTriton = align('AlignOnTriton', props.tritonFunction);
    const alignOnCpu = align('AlignOnCpu', props.cpuFunction);

    const chooseBackend = new sfn.Choice(this, 'ChooseBackend')
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.backend'),
          sfn.Condition.stringEquals('$.backend', 'cpu'),
        ),
        alignOnCpu,
      )
      .otherwise(alignOnTriton);
    const validateInput = new sfn.Choice(this, 'ValidateInput')
      .when(validInput(), chooseBackend)
      .otherwise(invalidInput);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(validateInput),
      comment: 'w2v2-align: one file on Triton (default) or CPU, with retries and a failure record (SPEC §7)',
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
  }

  /**
   * Lets a function start executions (the CPU pipeline's large-file hand-off): sets STATE_MACHINE_ARN and
   * grants states:StartExecution on the formatted ARN, which, unlike a Ref, adds no dependency cycle.
   */
  public bindStarter(fn: lambda.Function): void {
    fn.addEnvironment('STATE_MACHINE_ARN', this.stateMachineArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }),
    );
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
