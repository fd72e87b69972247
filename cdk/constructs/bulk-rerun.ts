import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AUDIO_EXTENSIONS } from '../../shared/pipeline/input-extensions';
import { acknowledge, acknowledgeStateMachineDefaults } from './nag-findings';
import { stateMachineLogGroupName } from './physical-names';
import { RETRYABLE_ERRORS } from './workflow-settings';

/** The pipeline's audio extensions, in the two spellings uploads use (a Choice rule matches case-sensitively). */
const AUDIO_PATTERNS = AUDIO_EXTENSIONS.flatMap((ext) => [ext, ext.toUpperCase()]);

/** A run's input before the user's: `prefix` empty fails validation, `backend` "pipeline" names none. */
const RUN_DEFAULTS = { prefix: '', force: true, backend: 'pipeline' } as const;

/** What a bulk rerun runs and how hard it may push. */
export interface BulkRerunProps {
  bucket: s3.IBucket;
  /** Only prefixes under this one are accepted (the pipeline's incoming prefix). */
  incomingPrefix: string;
  /** Where each run's report goes (a temporary prefix, expired by lifecycle). */
  reportPrefix: string;
  /** The CPU alignment Lambda; it answers the rerun input (docs/reruns.md) and hands Triton work to the GPU workflow. */
  alignFunction: lambda.IFunction;
  /** Files aligned at once. */
  maxConcurrency: number;
  /** Share of files that may fail before the whole run fails. */
  toleratedFailurePercentage: number;
}

/**
 * A Standard state machine that reprocesses every audio object under an S3 prefix with a Distributed Map
 * (ItemReader: ListObjectsV2). Input: `{"prefix": "incoming/2026/", "force"?: true, "backend"?: "cpu"|"triton"}`;
 * `force` defaults to true (a rerun means "do it again"), `backend` to the pipeline's own choice; any other
 * field is ignored.
 */
export class BulkRerun extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: BulkRerunProps) {
    super(scope, id);
    const invalid = new sfn.Fail(this, 'InvalidInput', {
      error: 'INVALID_INPUT',
      cause: `expected {"prefix": "${props.incomingPrefix}<path>/", "force"?: true|false, "backend"?: "cpu"|"triton"}`,
    });
    // Defaults first, so that validation never reads a missing field (a Choice rule on a missing path is a
    // runtime error, not false). "pipeline" stands for "no backend named": the pipeline chooses.
    const withDefaults = new sfn.Pass(this, 'ApplyDefaults', {
      parameters: {
        'run.$': `States.JsonMerge(States.StringToJson('${JSON.stringify(RUN_DEFAULTS)}'), $, false)`,
      },
      outputPath: '$.run',
    });

    const fileFailed = new sfn.Fail(this, 'FileFailed', {
      errorPath: '$.response.error.code',
      causePath: '$.response.error.message',
    });
    const checkOutcome = new sfn.Choice(this, 'CheckOutcome')
      .when(sfn.Condition.stringEquals('$.response.status', 'failed'), fileFailed)
      .otherwise(new sfn.Succeed(this, 'FileDone'));
    // The Lambda's rerun input is a strict shape: `backend` is sent only when the run names one.
    const file = { bucket: sfn.JsonPath.stringAt('$.bucket'), key: sfn.JsonPath.stringAt('$.key') };
    const force = sfn.JsonPath.stringAt('$.options.force');
    const alignAsChosen = this.alignTask('AlignFile', props.alignFunction, { ...file, force });
    const alignOnBackend = this.alignTask('AlignFileOnBackend', props.alignFunction, {
      ...file,
      force,
      backend: sfn.JsonPath.stringAt('$.options.backend'),
    });
    alignAsChosen.next(checkOutcome);
    alignOnBackend.next(checkOutcome);
    const isAudio = sfn.Condition.or(
      ...AUDIO_PATTERNS.map((ext) => sfn.Condition.stringMatches('$.key', `*.${ext}`)),
    );
    const perFile = new sfn.Choice(this, 'IsAudio')
      .when(
        isAudio,
        new sfn.Choice(this, 'BackendNamed')
          .when(sfn.Condition.stringEquals('$.options.backend', RUN_DEFAULTS.backend), alignAsChosen)
          .otherwise(alignOnBackend),
      )
      .otherwise(new sfn.Succeed(this, 'NotAudio'));

    const map = new sfn.DistributedMap(this, 'EachObject', {
      itemReader: new sfn.S3ObjectsItemReader({
        bucket: props.bucket,
        prefix: sfn.JsonPath.stringAt('$.prefix'),
      }),
      itemSelector: {
        bucket: props.bucket.bucketName,
        'key.$': '$$.Map.Item.Value.Key',
        'options.$': '$',
      },
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultWriterV2: new sfn.ResultWriterV2({ bucket: props.bucket, prefix: props.reportPrefix }),
      label: 'EachObject',
    });
    map.itemProcessor(perFile);

    const { and, or, isString, isBoolean, stringEquals, stringMatches } = sfn.Condition;
    const validate = new sfn.Choice(this, 'ValidateInput')
      .when(
        and(
          isString('$.prefix'),
          stringMatches('$.prefix', `${props.incomingPrefix}*`),
          isBoolean('$.force'),
          isString('$.backend'),
          or(...['cpu', 'triton', RUN_DEFAULTS.backend].map((backend) => stringEquals('$.backend', backend))),
        ),
        map,
      )
      .otherwise(invalid);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: stateMachineLogGroupName(this, 'bulk-rerun'),
      retention: logs.RetentionDays.ONE_MONTH,
      // Kept after an update or delete, not after a failed create (RetainExceptOnCreate), so a retried create
      // never meets it; the stack id in the name keeps a re-created stack of the same name clear of it too.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(withDefaults.next(validate)),
      comment: 'w2v2-align: rerun every audio object under an S3 prefix',
      // ERROR, not ALL: a run over thousands of files would log every state of every file (CloudWatch Logs
      // bills ingestion per GB); each file's outcome is in its result or failure record and the run's report.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: true },
      tracingEnabled: true,
    });
    // The result writer's grant covers the whole bucket; this run may only ever write its reports.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        notResources: [props.bucket.arnForObjects(`${props.reportPrefix}*`)],
      }),
    );
    this.acknowledgeFindings(props);
  }

  private acknowledgeFindings(props: BulkRerunProps): void {
    acknowledgeStateMachineDefaults(this.stateMachine, [props.alignFunction]);
    const stack = Stack.of(this);
    const machineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(this.stateMachine.node.defaultChild as CfnElement)}"}]}]}`;
    const executions = `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}`;
    acknowledge(this.stateMachine, [
      {
        id: 'AwsSolutions-SF1',
        reason:
          'Logged at ERROR, not ALL: a run over thousands of files would log every state of every file; each ' +
          "file's outcome is in its result or failure record and in the run's report under the bucket's tmp/.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${stack.getLogicalId(props.bucket.node.defaultChild as CfnElement)}>/*]`,
        reason:
          'The Distributed Map result writer (CDK grant) names the bucket only; an explicit Deny limits its ' +
          `writes to ${props.reportPrefix}, and reads are of the listed objects' keys only.`,
      },
      {
        id: `AwsSolutions-IAM5[${executions}:*]`,
        reason: 'The Distributed Map describes and stops its own child executions, whose names it generates.',
      },
      {
        id: `AwsSolutions-IAM5[${executions}/EachObject:*]`,
        reason:
          'Redriving the Distributed Map run of this state machine, whose execution names are generated.',
      },
    ]);
  }

  private alignTask(id: string, fn: lambda.IFunction, payload: Record<string, unknown>): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      resultSelector: { 'response.$': '$.Payload' },
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    });
    // Throttling and Lambda service errors, and the pipeline's own "transient, try again" signal.
    task.addRetry({
      errors: [...RETRYABLE_ERRORS],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 5,
      maxDelay: Duration.minutes(2),
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  }
}
