import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../cdk/constructs/pipeline-function';
import { TRITON_READY_PATH } from '../../cdk/constructs/triton-service';
import { DEFAULT_TRITON_IMAGE } from '../../cdk/stacks/stack-settings';
import { loadConfig } from '../../shared/config/app-config';
import { SERVICE_NAME as PIPELINE_SERVICE_NAME } from '../../shared/pipeline/pipeline-runtime';
import { errorCodeMetric } from '../../shared/telemetry/metric-names';
import { dockerfileEnvironment, readDockerfile } from '../lambdas/align-cpu/dockerfile-instructions';
import { placeholder, resolvedEnvironment } from './placeholder-values';
import { EXTERNAL_CONTEXT, SERVICE_CONTEXT, type SynthesizedStack, synthStack } from './synth-stack';

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

const variants: Array<[string, Record<string, unknown>]> = [
  ['no GPU branch', {}],
  ['the Triton service', SERVICE_CONTEXT],
  ['an existing Triton endpoint', EXTERNAL_CONTEXT],
];
const synthesized = new Map<string, SynthesizedStack>();

/** Synthesizes each variant once per file (beforeAll), so the tests read it synchronously. */
async function synthAll(list: Array<[string, Record<string, unknown>]>): Promise<void> {
  for (const [name, context] of list) {
    if (!synthesized.has(name)) synthesized.set(name, await synthStack(context));
  }
}
function synth(name: string): SynthesizedStack {
  const found = synthesized.get(name);
  if (found === undefined) throw new Error(`${name} was not synthesized in beforeAll`);
  return found;
}

function resourcesOf(stack: SynthesizedStack, type: string): Array<[string, Json]> {
  return Object.entries(stack.template.findResources(type)).map(([id, resource]) => [
    id,
    resource.Properties as Json,
  ]);
}

/** The properties of the one resource of `type`; throws when the template has none or several. */
function onlyResource(stack: SynthesizedStack, type: string): Json {
  const found = resourcesOf(stack, type);
  const [only] = found;
  if (only === undefined || found.length > 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return only[1];
}

function logicalId(stack: SynthesizedStack, construct: IConstruct): string {
  return stack.stack.getLogicalId(construct.node.defaultChild as never);
}

function actions(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

describe.each(variants)('AlignmentStack with %s', (name) => {
  const stack = () => synth(name);
  beforeAll(() => synthAll(variants), 120_000);

  it('passes cdk-nag AwsSolutions, every acknowledged finding with a reason', () => {
    // Prepare
    const { nag } = stack();
    const reasons = stack()
      .stack.node.findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .filter(([id]) => id.includes('AwsSolutions-'));

    // Act
    const unacknowledged = nag.violations.map((violation) => violation.ruleName);

    // Assess
    expect(unacknowledged).toEqual([]);
    expect(nag.success).toBe(true);
    expect(reasons.length).toBeGreaterThan(5);
    for (const [id, reason] of reasons) {
      expect(`${id}: ${reason}`).toMatch(/^(Annotation::)?AwsSolutions-\S+: .{60,}$/);
    }
  });

  it('grants named actions only, but for the ECS agent policy and the repository copy that CDK writes', () => {
    // Prepare
    const statements = resourcesOf(stack(), 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.PolicyDocument as { Statement: Statement[] }).Statement,
    );

    // Act
    const wildcards = statements
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actions)
      .filter((action) => action.includes('*'));

    // Assess
    expect(statements.length).toBeGreaterThan(5);
    expect(new Set(wildcards)).toEqual(
      new Set(
        name === 'the Triton service'
          ? ['ecs:Submit*', 's3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']
          : [],
      ),
    );
  });

  it('encrypts and enforces TLS on both buckets and both queues', () => {
    // Prepare
    const built = stack();
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });

    // Act
    const buckets = resourcesOf(built, 'AWS::S3::Bucket');
    const queues = resourcesOf(built, 'AWS::SQS::Queue');

    // Assess
    expect(buckets).toHaveLength(2);
    for (const [, bucket] of buckets) {
      expect(bucket.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    expect(resourcesOf(built, 'AWS::S3::BucketPolicy')).toHaveLength(2);
    built.template.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
    });
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(resourcesOf(built, 'AWS::SQS::QueuePolicy')).toHaveLength(2);
    built.template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
    });
    built.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'tmp/', ExpirationInDays: 14, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('notifies the queue of objects created under incoming/ only', () => {
    // Prepare
    const built = stack();

    // Act
    const notifications = onlyResource(built, 'Custom::S3BucketNotifications');

    // Assess
    expect(notifications.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          QueueArn: { 'Fn::GetAtt': [logicalId(built, built.stack.storage.queue), 'Arn'] },
        },
      ],
    });
  });

  it('holds messages six times the CPU timeout plus the batching window, dead-letters after 3 receives', () => {
    // Prepare
    const built = stack();
    const cpu = built.template.toJSON().Resources[logicalId(built, built.stack.cpu.function)].Properties;
    const queue = built.template.toJSON().Resources[logicalId(built, built.stack.storage.queue)].Properties;

    // Act
    const visibility = queue.VisibilityTimeout;

    // Assess
    expect(cpu.Timeout).toBe(900);
    expect(visibility).toBe(6 * 900 + 5);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(built, built.stack.storage.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 3,
    });
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(built, built.stack.cpu.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 4,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('gives both functions an environment loadConfig accepts, as their handlers read it', () => {
    // Prepare
    const built = stack();
    const resources = built.template.toJSON().Resources;
    const imageEnv = dockerfileEnvironment(readDockerfile(), '/var/task');
    const cpuEnv = {
      ...resolvedEnvironment(resources[logicalId(built, built.stack.cpu.function)].Properties),
    };
    const tritonAlign = built.stack.tritonAlign;

    // Act
    const cpu = loadConfig({ ...imageEnv, ...cpuEnv });
    const triton =
      tritonAlign === undefined
        ? undefined
        : loadConfig(resolvedEnvironment(resources[logicalId(built, tritonAlign.function)].Properties));

    // Assess
    expect(cpu).toMatchObject({
      useTriton: false,
      quantize: true,
      pipeline: {
        incomingPrefix: 'incoming/',
        resultsPrefix: 'results/',
        failedPrefix: 'failed/',
        resultsBucket: expect.stringMatching(/^placeholder-storagedata/),
        stateMachineArn:
          name === 'no GPU branch'
            ? undefined
            : 'arn:aws:states:eu-west-1:123456789012:stateMachine:W2V2Align-alignment',
        largeFilePolicy: name === 'no GPU branch' ? 'refuse' : 'handoff',
        modelDir: '/var/task/model',
        metricsNamespace: METRICS_NAMESPACE,
      },
    });
    if (name === 'no GPU branch') {
      expect(triton).toBeUndefined();
      return;
    }
    expect(triton).toMatchObject({
      useTriton: true,
      tritonUrl:
        name === 'the Triton service' ? 'https://triton.internal.example.com' : EXTERNAL_CONTEXT.tritonUrl,
      tritonModel: 'w2v2',
      pipeline: {
        resultsBucket: cpu.pipeline.resultsBucket,
        // Inside the state machine it must never hand a file off again.
        stateMachineArn: undefined,
        modelDir: '/var/task/model',
      },
    });
  });

  it('reruns a prefix with a bounded Distributed Map over ListObjectsV2 that retries throttling', () => {
    // Prepare
    const built = stack();
    const machine = built.template.toJSON().Resources[logicalId(built, built.stack.rerun.stateMachine)];

    // Act
    const definition = JSON.parse(placeholder(machine.Properties.DefinitionString));
    const map = definition.States.EachObject;

    // Assess
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 20,
      ToleratedFailurePercentage: 10,
      ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { 'Prefix.$': '$.prefix' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(map.ItemProcessor.States.AlignFile.Retry[0]).toMatchObject({
      ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'RedeliveryNeededError']),
      MaxAttempts: 5,
    });
    expect(definition.States.ValidateInput.Choices[0].And).toContainEqual({
      Variable: '$.prefix',
      StringMatches: 'incoming/*',
    });
    built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('outputs where to upload, which state machines to start and the dashboard', () => {
    // Prepare
    const built = stack();

    // Act
    const outputs = Object.fromEntries(
      Object.entries(built.template.toJSON().Outputs as Record<string, { Value: unknown }>).map(
        ([id, output]) => [id, placeholder(output.Value)],
      ),
    );

    // Assess
    expect(outputs).toMatchObject({
      UploadTo: expect.stringMatching(/^s3:\/\/placeholder-storagedata\w+\/incoming\/$/),
      AlignmentStateMachine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:W2V2Align-alignment',
      BulkRerunStateMachine: expect.stringMatching(/^placeholder-bulkrerunstatemachine/),
    });
    expect(outputs.TritonUrl).toBe(
      {
        'no GPU branch': undefined,
        'the Triton service': 'https://triton.internal.example.com',
        'an existing Triton endpoint': EXTERNAL_CONTEXT.tritonUrl,
      }[name],
    );
    expect('TritonModelRepository' in outputs).toBe(name === 'the Triton service');
  });

  it('charts every activity metric, SuspectAlignment included, for each backend the stack runs', () => {
    // Prepare
    const built = stack();
    const body = JSON.parse(placeholder(onlyResource(built, 'AWS::CloudWatch::Dashboard').DashboardBody));
    const backends = name === 'no GPU branch' ? ['cpu'] : ['cpu', 'triton'];
    const charted = new Set(
      (body.widgets as Array<{ properties: { metrics?: unknown[][] } }>)
        .flatMap((widget) => widget.properties.metrics ?? [])
        .filter((metric) => metric[0] === METRICS_NAMESPACE)
        .map((metric) => {
          const dimensions = Object.fromEntries([
            [metric[2], metric[3]],
            [metric[4], metric[5]],
          ]);
          return `${metric[1]} ${dimensions.Backend} ${dimensions.service}`;
        }),
    );

    // Act
    const missing = [
      'ActivitySuccess',
      'AlignFailure',
      'AudioDurationSeconds',
      'DownloadMs',
      'InferenceMs',
      'AlignMs',
      'RealTimeFactor',
      'WordsTotal',
      'WordsAligned',
      'WordsUnaligned',
      'SkippedTokens',
      'MeanWordScore',
      'LowScoreWords',
      'SuspectAlignment',
    ]
      .flatMap((metric) => backends.map((backend) => `${metric} ${backend} ${SERVICE_NAME}`))
      .filter((metric) => !charted.has(metric));

    // Assess
    expect(SERVICE_NAME).toBe(PIPELINE_SERVICE_NAME);
    expect(METRICS_NAMESPACE).toBe(loadConfig({}).pipeline.metricsNamespace);
    expect(missing).toEqual([]);
    // Failures by code: every Error_<CODE> metric of the pipeline, by its "Error" name token.
    expect(errorCodeMetric('AUDIO_DECODE')).toMatch(/^Error_/);
    expect(JSON.stringify(body)).toContain(
      `SEARCH('{${METRICS_NAMESPACE},Backend,service} MetricName=Error'`,
    );
    expect([...charted].filter((metric) => metric.includes(' triton ')).length > 0).toBe(backends.length > 1);
  });
});

describe('AlignmentStack with the Triton service', () => {
  const stack = () => synth('the Triton service');
  beforeAll(() => synthAll(variants), 120_000);

  it('runs Triton on ECS GPU instances from the SSM AMI parameter, scaling to zero', () => {
    // Prepare
    const built = stack();
    const template = built.template.toJSON();

    // Act
    const parameters = Object.values(template.Parameters);

    // Assess
    expect(parameters).toContainEqual(
      expect.objectContaining({
        Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id',
      }),
    );
    built.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'g5.xlarge',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    built.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '2',
    });
    built.template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: Match.objectLike({ Status: 'ENABLED' }) }),
    });
    built.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 2,
    });
    built.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 3);
  });

  it('wakes Triton on Triton Lambda demand with no healthy task, and stops it after 15 minutes without', () => {
    // Prepare
    const built = stack();
    const invocations = Match.objectLike({
      MetricStat: Match.objectLike({
        Metric: Match.objectLike({
          MetricName: 'Invocations',
          Dimensions: [
            { Name: 'FunctionName', Value: { Ref: logicalId(built, built.stack.tritonAlign!.function) } },
          ],
        }),
      }),
    });

    // Act
    const alarms = resourcesOf(built, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm);

    // Assess
    expect(alarms).toContainEqual(
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        Metrics: expect.arrayContaining([
          expect.objectContaining({ Expression: 'IF(FILL(demand, 0) > 0 AND FILL(healthy, 0) == 0, 1, 0)' }),
        ]),
      }),
    );
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      EvaluationPeriods: 3,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(demand, 0)' }), invocations]),
    });
  });

  it('serves the model repository from S3 with the Triton image on one GPU per task', () => {
    // Prepare
    const built = stack();
    const bucket = logicalId(built, built.stack.storage.bucket);

    // Act
    const task = onlyResource(built, 'AWS::ECS::TaskDefinition');
    const [container] = task.ContainerDefinitions as Json[];

    // Assess
    expect(container).toMatchObject({
      Image: DEFAULT_TRITON_IMAGE,
      ResourceRequirements: [{ Type: 'GPU', Value: '1' }],
      PortMappings: [{ ContainerPort: 8000, Protocol: 'tcp' }],
    });
    expect(container?.Command).toContainEqual({
      'Fn::Join': ['', ['--model-repository=s3://', { Ref: bucket }, '/triton-models']],
    });
  });

  it('admits HTTPS to the internal load balancer from the Triton Lambda only and health-checks readiness', () => {
    // Prepare
    const built = stack();
    const triton = built.stack.triton!;
    const clients = built.stack.tritonAlign!.function.connections.securityGroups[0]!;

    // Act
    const ingress = resourcesOf(built, 'AWS::EC2::SecurityGroupIngress').filter(([, rule]) =>
      JSON.stringify(rule.GroupId).includes(
        logicalId(built, triton.loadBalancer.connections.securityGroups[0]!),
      ),
    );

    // Assess
    expect(ingress.map(([, rule]) => rule)).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(built, clients), 'GroupId'] },
      }),
    ]);
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: SERVICE_CONTEXT.tritonCertificateArn }],
      SslPolicy: Match.stringLikeRegexp('TLS13'),
    });
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: TRITON_READY_PATH,
      TargetType: 'ip',
    });
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({
        SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(built, clients), 'GroupId'] }],
      }),
    });
    built.template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
    built.template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'triton.internal.example.com.' });
  });

  it('waits for Triton to answer ready before aligning, and alarms on unhealthy Triton tasks', () => {
    // Prepare
    const built = stack();
    const workflow = built.template.toJSON().Resources[logicalId(built, built.stack.workflow.stateMachine)];

    // Act
    const definition = JSON.stringify(workflow.Properties.DefinitionString);
    const alarms = resourcesOf(built, 'AWS::CloudWatch::Alarm').map(([, alarm]) => JSON.stringify(alarm));

    // Assess
    expect(definition).toContain('\\"probe\\":\\"triton-ready\\"');
    expect(definition).toContain('\\"Next\\":\\"AlignOnTriton\\"');
    expect(alarms.filter((alarm) => alarm.includes('"UnHealthyHostCount"'))).toHaveLength(1);
    // Scale-to-zero: no healthy task is the normal idle state, not an alarm.
    expect(alarms.filter((alarm) => alarm.includes('Triton') && alarm.includes('LessThanThreshold'))).toEqual(
      [],
    );
  });
});

describe('AlignmentStack with an existing Triton endpoint', () => {
  it('creates no network or GPU resources and keeps the functions outside any VPC', () => {
    // Prepare
    const built = synth('an existing Triton endpoint');

    // Act
    const functions = resourcesOf(built, 'AWS::Lambda::Function');

    // Assess
    for (const type of ['AWS::EC2::VPC', 'AWS::ECS::Cluster', 'AWS::ElasticLoadBalancingV2::LoadBalancer']) {
      built.template.resourceCountIs(type, 0);
    }
    expect(functions.filter(([, fn]) => fn.VpcConfig !== undefined)).toEqual([]);
  });
});

describe('AlignmentStack with an always-on Triton service', () => {
  beforeAll(
    () =>
      synthAll([['always-on', { ...SERVICE_CONTEXT, tritonScaleToZero: 'false', tritonMaxInstances: '1' }]]),
    120_000,
  );

  it('keeps one task running and alarms when none is healthy', () => {
    // Prepare
    const built = synth('always-on');

    // Act
    const alarms = resourcesOf(built, 'AWS::CloudWatch::Alarm').map(([, alarm]) => JSON.stringify(alarm));

    // Assess
    built.template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0 }),
    });
    built.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 1,
    });
    built.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    expect(alarms.filter((alarm) => alarm.includes('"HealthyHostCount"'))).toHaveLength(1);
    expect(built.nag.success).toBe(true);
  });
});
