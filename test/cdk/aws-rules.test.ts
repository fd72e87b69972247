/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPU_IMAGE_DIR } from '../../cdk/constructs/cpu-align-function';
import { amdahlRtf, MEASURED_BASE, minimumMemoryMb } from '../../cdk/constructs/cpu-sizing';
import { VPC_ACCESS_ACTIONS } from '../../cdk/constructs/pipeline-function';
import { COLD_START_READINESS, WARM_READINESS } from '../../cdk/constructs/workflow-settings';
import { DEFAULT_TRITON_IMAGE } from '../../cdk/stacks/stack-settings';
import { ConfigError, INPUT_ERROR_CODES, SYSTEM_ERROR_CODES } from '../../shared/errors';
import {
  attemptExecutionName,
  executionName,
  forcedExecutionName,
} from '../../shared/pipeline/execution-names';
import { MAX_EXECUTION_ATTEMPTS } from '../../shared/pipeline/large-file-handoff';
import { type IamDecision, type IamRequest, TemplateIam } from '../helpers/iam-evaluation';
import {
  type CfnTemplate,
  PHYSICAL_NAME_PROPERTIES,
  TEMPLATE_ENV,
  TemplateResolver,
} from '../helpers/template-resolver';
import {
  EXTERNAL_CONTEXT,
  SERVICE_CONTEXT,
  type SynthesizedStack,
  stagedRepository,
  synthStack,
} from './synth-stack';

/**
 * AWS's own rules, held over every variant of the synthesized stack. Each test names the AWS behaviour it
 * encodes; docs/deploy.md cites the documentation of each.
 */

type Resource = CfnTemplate['Resources'][string];

/** An image build context whose staged onnxruntime binaries are for arm64 (the Dockerfile, nothing else). */
function arm64ImageDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-arm64-image-'));
  copyFileSync(join(CPU_IMAGE_DIR, 'Dockerfile'), join(dir, 'Dockerfile'));
  mkdirSync(join(dir, 'dist', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'arm64'), {
    recursive: true,
  });
  return dir;
}

/** A copy of the Triton image in a private ECR repository of the account. */
const MIRRORED_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/tritonserver:25.06-py3';

interface Variant {
  context: Record<string, unknown>;
  gpu: 'none' | 'external' | 'service';
  options?: () => { cpuImageDir?: string };
}

const VARIANTS: Record<string, Variant> = {
  'no context (CPU only)': { context: {}, gpu: 'none' },
  'an existing Triton endpoint': { context: EXTERNAL_CONTEXT, gpu: 'external' },
  'the Triton service scaling to zero': { context: SERVICE_CONTEXT, gpu: 'service' },
  'the Triton service always on': {
    context: { ...SERVICE_CONTEXT, tritonScaleToZero: 'false', tritonMaxInstances: '1' },
    gpu: 'service',
  },
  'an arm64 CPU Lambda': {
    context: { cpuArchitecture: 'arm64' },
    gpu: 'none',
    options: () => ({ cpuImageDir: arm64ImageDir() }),
  },
  // The smallest whole-vCPU size that holds a batch of base-model files: 2 threads, a shorter threshold.
  'a CPU Lambda of 3,538 MB': { context: { cpuMemoryMb: '3538' }, gpu: 'none' },
  'a second stack named AlignB': { context: { ...SERVICE_CONTEXT, stackName: 'AlignB' }, gpu: 'service' },
  'the Triton image mirrored in ECR': {
    context: { ...SERVICE_CONTEXT, tritonImage: MIRRORED_IMAGE, stackName: 'AlignMirror' },
    gpu: 'service',
  },
};

interface Built {
  synthesized: SynthesizedStack;
  template: CfnTemplate;
  resolver: TemplateResolver;
  iam: TemplateIam;
  stackName: string;
}

const built = new Map<string, Promise<Built>>();
function build(name: string): Promise<Built> {
  let found = built.get(name);
  if (found === undefined) {
    const variant = VARIANTS[name]!;
    found = synthStack(variant.context, variant.options?.() ?? {}).then((synthesized) => {
      const template = synthesized.template.toJSON() as CfnTemplate;
      const stackName = synthesized.stack.stackName;
      const resolver = new TemplateResolver(template, stackName);
      return { synthesized, template, resolver, iam: new TemplateIam(template, resolver), stackName };
    });
    built.set(name, found);
  }
  return found;
}

function ofType(template: CfnTemplate, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The first resource of `type` with its logical id; throws when the template has none. */
function firstOfType(template: CfnTemplate, type: string): [string, Resource] {
  const [first] = ofType(template, type);
  if (first === undefined) throw new Error(`the template has no ${type}`);
  return first;
}

/** The resource with logical id `id`; throws when the template has none. */
function resourceAt(template: CfnTemplate, id: string): Resource {
  const resource = template.Resources[id];
  if (resource === undefined) throw new Error(`the template has no resource ${id}`);
  return resource;
}

/** A resource's properties; every resource this file reads has them. */
function propertiesOf(resource: Resource): Record<string, unknown> {
  if (resource.Properties === undefined) throw new Error(`a ${resource.Type} without properties`);
  return resource.Properties;
}

function logicalIdOf(stack: SynthesizedStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.stack.getLogicalId(construct.node.defaultChild as never);
}

/** Requests with the decision each must get, checked together so a failure lists every wrong one. */
async function decisions(
  b: Built,
  roleId: string,
  expected: Array<[IamRequest, IamDecision | 'Denied']>,
): Promise<Array<{ request: string; expected: string; got: IamDecision }>> {
  const wrong: Array<{ request: string; expected: string; got: IamDecision }> = [];
  for (const [request, decision] of expected) {
    const got = await b.iam.decide(roleId, request);
    const ok = decision === 'Denied' ? got !== 'Allowed' : got === decision;
    if (!ok)
      wrong.push({
        request: `${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`,
        expected: decision,
        got,
      });
  }
  return wrong;
}

describe.each(Object.keys(VARIANTS))('AWS rules: the stack with %s', (name) => {
  const variant = VARIANTS[name]!;
  const get = () => build(name);

  it('synthesizes offline and passes cdk-nag AwsSolutions', async () => {
    // Act
    const { synthesized } = await get();
    const missingContext = synthesized.stack.node.root.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:missing-context');

    // Assess
    expect(missingContext).toEqual([]);
    expect(synthesized.nag.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('Lambda places a VPC function with its execution role, which must allow the network-interface actions before CreateFunction', async () => {
    // Prepare
    const b = await get();
    const vpcFunctions = ofType(b.template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties?.VpcConfig !== undefined,
    );

    // Act
    const findings: unknown[] = [];
    for (const [id, fn] of vpcFunctions) {
      const roleId = b.iam.roleOf(fn.Properties?.Role);
      const arn = `arn:aws:ec2:${TEMPLATE_ENV.region}:${TEMPLATE_ENV.account}:network-interface/eni-0123456789abcdef0`;
      const wrong = await decisions(
        b,
        roleId,
        VPC_ACCESS_ACTIONS.map((action) => [
          {
            action,
            resource: action === 'ec2:DescribeSubnets' || action.startsWith('ec2:Describe') ? '*' : arn,
          },
          'Allowed',
        ]),
      );
      const granting = ofType(b.template, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
        .map(([policyId]) => policyId);
      const dependsOn = [fn.DependsOn ?? []].flat();
      findings.push(...wrong.map((w) => ({ function: id, ...w })));
      for (const policyId of granting) {
        if (!dependsOn.includes(policyId)) findings.push({ function: id, missingDependsOn: policyId });
      }
    }

    // Assess
    expect(vpcFunctions.length).toBe(variant.gpu === 'service' ? 1 : 0);
    expect(findings).toEqual([]);
  });

  it('Lambda polls SQS with a visibility timeout of at least six times the function timeout, and reports partial batch failures', async () => {
    // Prepare
    const b = await get();
    const mappings = ofType(b.template, 'AWS::Lambda::EventSourceMapping');

    // Act
    const checked = mappings.map(([, mapping]) => {
      const fnId = (propertiesOf(mapping).FunctionName as { Ref: string }).Ref;
      const queueId = (propertiesOf(mapping).EventSourceArn as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      const timeout = resourceAt(b.template, fnId).Properties?.Timeout as number;
      const visibility = resourceAt(b.template, queueId).Properties?.VisibilityTimeout as number;
      const window = (mapping.Properties?.MaximumBatchingWindowInSeconds as number | undefined) ?? 0;
      return {
        sixTimes: visibility >= 6 * timeout + window,
        partial: mapping.Properties?.FunctionResponseTypes,
      };
    });

    // Assess
    expect(checked).toEqual([{ sixTimes: true, partial: ['ReportBatchItemFailures'] }]);
  });

  it('Lambda gives one vCPU-second per second per 1,769 MB: the CPU function runs that many threads, and a batch of files at its large-file threshold fits its timeout and memory at the measured speed', async () => {
    // Prepare
    const b = await get();
    const cpuId = logicalIdOf(b.synthesized, b.synthesized.stack.cpu.function);
    const mapping = ofType(b.template, 'AWS::Lambda::EventSourceMapping').find(
      ([, resource]) => (propertiesOf(resource).FunctionName as { Ref?: string }).Ref === cpuId,
    )?.[1];
    if (mapping === undefined) throw new Error('no event source mapping invokes the CPU function');

    // Act
    const props = propertiesOf(resourceAt(b.template, cpuId));
    const env = (props.Environment as { Variables: Record<string, string> }).Variables;
    const memoryMb = props.MemorySize as number;
    const threads = Number(env.W2V2_INFERENCE_THREADS);
    const thresholdSec = Number(env.LARGE_FILE_THRESHOLD_SEC);
    const batch = propertiesOf(mapping).BatchSize as number;
    // A host twice as slow as the one measured still finishes the batch.
    const rtf = 2 * amdahlRtf(MEASURED_BASE, threads);

    // Assess
    expect(threads).toBe(Math.round(memoryMb / 1769));
    expect(thresholdSec % 60).toBe(0);
    expect(thresholdSec).toBeGreaterThanOrEqual(60);
    expect(batch * thresholdSec * rtf).toBeLessThanOrEqual(props.Timeout as number);
    expect(
      MEASURED_BASE.baseMemoryMb + (batch * thresholdSec * MEASURED_BASE.memoryMbPerAudioHour) / 3600,
    ).toBeLessThanOrEqual(memoryMb);
    expect(Number(env.LARGE_FILE_THRESHOLD_BYTES)).toBeGreaterThanOrEqual(thresholdSec * 16_000 * 2);
  });

  it('Step Functions names are at most 80 characters of letters, digits, "-" and "_"', async () => {
    // Prepare
    const b = await get();

    // Act
    const names = ofType(b.template, 'AWS::StepFunctions::StateMachine')
      .map(([, machine]) => machine.Properties?.StateMachineName)
      .filter((value) => value !== undefined)
      .map((value) => b.resolver.string(value));

    // Assess
    expect(names).toEqual([`${b.stackName}-alignment`]);
    for (const machineName of names) expect(machineName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('CloudFormation keeps a Retain resource after a failed create, so nothing is plain Retain and retained names carry the stack id', async () => {
    // Prepare
    const b = await get();

    // Act
    const retained = Object.entries(b.template.Resources).filter(
      ([, resource]) =>
        (resource as { DeletionPolicy?: string }).DeletionPolicy !== undefined &&
        (resource as { DeletionPolicy?: string }).DeletionPolicy !== 'Delete',
    );
    const plainRetain = retained
      .filter(([, resource]) => (resource as { DeletionPolicy?: string }).DeletionPolicy === 'Retain')
      .map(([id]) => id);
    const namedWithoutStackId = retained
      .filter(([, resource]) => {
        const properties = JSON.stringify(resource.Properties ?? {});
        return (
          /"(LogGroupName|BucketName|QueueName)"/.test(properties) && !properties.includes('AWS::StackId')
        );
      })
      .map(([id]) => id);

    // Assess
    expect(retained.length).toBeGreaterThan(3);
    expect(plainRetain).toEqual([]);
    expect(namedWithoutStackId).toEqual([]);
  });

  it('IAM allows every request the pipeline makes and denies its writes outside results/ and failed/', async () => {
    // Prepare
    const b = await get();
    const { stack } = b.synthesized;
    const bucket = `arn:aws:s3:::${b.resolver.string({ Ref: logicalIdOf(b.synthesized, stack.storage.bucket) })}`;
    const object = (key: string) => `${bucket}/${key}`;
    const functions = [stack.cpu, ...(stack.tritonAlign === undefined ? [] : [stack.tritonAlign])];
    const workflowArn = `arn:aws:states:${TEMPLATE_ENV.region}:${TEMPLATE_ENV.account}:stateMachine:${b.stackName}-alignment`;
    const executionArn = workflowArn.replace(':stateMachine:', ':execution:');

    // Act
    const wrong: unknown[] = [];
    for (const fn of functions) {
      const roleId = logicalIdOf(b.synthesized, fn.role);
      const handsOff = fn === stack.cpu && variant.gpu !== 'none';
      const logGroup = b.resolver.arn(logicalIdOf(b.synthesized, fn.logGroup)).replace(/:\*$/, '');
      wrong.push(
        ...(await decisions(b, roleId, [
          [{ action: 's3:GetObject', resource: object('incoming/lessons/week 3.wav') }, 'Allowed'],
          [{ action: 's3:GetObject', resource: object('incoming/lessons/week 3.txt') }, 'Allowed'],
          // HeadBucket at cold start, and a HEAD of a missing key answers 404 (not 403) only with ListBucket.
          [{ action: 's3:ListBucket', resource: bucket }, 'Allowed'],
          [{ action: 's3:GetObject', resource: object('results/lessons/week 3.json') }, 'Allowed'],
          [{ action: 's3:PutObject', resource: object('results/lessons/week 3.json') }, 'Allowed'],
          [{ action: 's3:PutObject', resource: object('failed/lessons/week 3.json') }, 'Allowed'],
          [
            { action: 'logs:PutLogEvents', resource: `${logGroup}:log-stream:2026/12/07/[$LATEST]abc` },
            'Allowed',
          ],
          [{ action: 'states:StartExecution', resource: workflowArn }, handsOff ? 'Allowed' : 'Denied'],
          [
            { action: 'states:DescribeExecution', resource: `${executionArn}:w2v2-0a1b` },
            handsOff ? 'Allowed' : 'Denied',
          ],
          [{ action: 's3:PutObject', resource: object('incoming/lessons/week 3.wav') }, 'Denied'],
          [{ action: 's3:DeleteObject', resource: object('incoming/lessons/week 3.wav') }, 'Denied'],
          [{ action: 's3:DeleteObject', resource: object('results/lessons/week 3.json') }, 'Denied'],
          [{ action: 's3:PutObject', resource: object('triton-models/w2v2/1/model.onnx') }, 'Denied'],
          [{ action: 's3:PutObject', resource: object('tmp/reruns/run/manifest.json') }, 'Denied'],
          [{ action: 's3:PutObject', resource: object('week 3.json') }, 'Denied'],
          // The bucket policy refuses any request not made over TLS (aws:SecureTransport false).
          [
            {
              action: 's3:GetObject',
              resource: object('incoming/lessons/week 3.wav'),
              context: { 'aws:SecureTransport': 'false' },
            },
            'ExplicitlyDenied',
          ],
        ])),
      );
    }
    const workflowRole = b.iam.roleOf(
      resourceAt(b.template, logicalIdOf(b.synthesized, stack.workflow.stateMachine)).Properties?.RoleArn,
    );
    wrong.push(
      ...(await decisions(b, workflowRole, [
        ...functions.map((fn): [IamRequest, IamDecision] => [
          {
            action: 'lambda:InvokeFunction',
            resource: b.resolver.arn(logicalIdOf(b.synthesized, fn.function)),
          },
          'Allowed',
        ]),
        [{ action: 's3:PutObject', resource: object('results/lessons/week 3.json') }, 'Denied'],
      ])),
    );
    const rerunRole = b.iam.roleOf(
      resourceAt(b.template, logicalIdOf(b.synthesized, stack.rerun.stateMachine)).Properties?.RoleArn,
    );
    wrong.push(
      ...(await decisions(b, rerunRole, [
        // The Distributed Map's ItemReader lists the prefix with ListObjectsV2.
        [
          { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'incoming/lessons/' } },
          'Allowed',
        ],
        [
          {
            action: 'lambda:InvokeFunction',
            resource: b.resolver.arn(logicalIdOf(b.synthesized, stack.cpu.function)),
          },
          'Allowed',
        ],
        [{ action: 's3:PutObject', resource: object('tmp/reruns/0a1b/manifest.json') }, 'Allowed'],
        [{ action: 's3:PutObject', resource: object('incoming/lessons/week 3.wav') }, 'Denied'],
        [{ action: 's3:PutObject', resource: object('results/lessons/week 3.json') }, 'Denied'],
        [{ action: 's3:PutObject', resource: object('failed/lessons/week 3.json') }, 'Denied'],
        [{ action: 's3:DeleteObject', resource: object('incoming/lessons/week 3.wav') }, 'Denied'],
      ])),
    );

    // Assess
    expect(wrong).toEqual([]);
  });

  it("alarms on system failures, dead letters and Triton health, never on a user's bad file", async () => {
    // Prepare
    const b = await get();
    const alarms = ofType(b.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
      JSON.stringify(alarm.Properties),
    );

    // Act
    const onExecutionsFailed = alarms.filter((alarm) => alarm.includes('"ExecutionsFailed"'));
    const onInputCodes = alarms.filter((alarm) =>
      INPUT_ERROR_CODES.some((code) => alarm.includes(`"Error_${code}"`)),
    );
    const systemAlarms = alarms.filter((alarm) => alarm.includes('"Error_TRITON_UNAVAILABLE"'));

    // Assess
    expect(onExecutionsFailed).toEqual([]);
    expect(onInputCodes).toEqual([]);
    expect(systemAlarms).toHaveLength(variant.gpu === 'none' ? 1 : 2);
    for (const alarm of systemAlarms) {
      for (const code of SYSTEM_ERROR_CODES) expect(alarm).toContain(`"Error_${code}"`);
    }
    expect(alarms.filter((alarm) => alarm.includes('ApproximateNumberOfMessagesVisible'))).toHaveLength(1);
    expect(alarms.filter((alarm) => alarm.includes('"FailureRecordsLost"'))).toHaveLength(1);
    expect(alarms.filter((alarm) => alarm.includes('"RunningTaskCount"'))).toHaveLength(
      variant.gpu === 'service' ? 1 : 0,
    );
    // CloudWatch: an alarm on a metric math expression reads at most 10 metrics.
    const metricsPerAlarm = ofType(b.template, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) =>
        ((alarm.Properties?.Metrics ?? []) as Array<{ MetricStat?: unknown }>).filter(
          (query) => query.MetricStat !== undefined,
        ).length,
    );
    expect(Math.max(...metricsPerAlarm)).toBeLessThanOrEqual(10);
  });
});

describe('AWS rules: Step Functions execution names', () => {
  it('keeps every hand-off name within 80 characters of letters, digits, "-" and "_", whatever the key', () => {
    // Prepare
    const longestKey = `incoming/${'ü/'.repeat(300)}${'x'.repeat(100)}.wav`;
    const etag = '"0123456789abcdef0123456789abcdef-1000"';

    // Act
    const first = executionName(longestKey, etag, etag);
    const names = [
      first,
      attemptExecutionName(first, MAX_EXECUTION_ATTEMPTS),
      forcedExecutionName(longestKey, etag, undefined),
      attemptExecutionName(forcedExecutionName(longestKey, etag, etag), MAX_EXECUTION_ATTEMPTS),
    ];

    // Assess
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('AWS rules: the CPU-only stack', () => {
  it('refuses a CPU Lambda whose memory cannot hold a batch of base-model files, naming the least that can', async () => {
    // Act
    const synth = synthStack({ cpuMemoryMb: '1769' });

    // Assess
    await expect(synth).rejects.toThrow(ConfigError);
    await expect(synth).rejects.toThrow(
      new RegExp(
        `^cpuMemoryMb must be at least ${minimumMemoryMb(4)} to hold a batch of 4 one-minute files .*, got 1769$`,
      ),
    );
  });

  it('creates nothing that costs money while idle: no VPC, NAT gateway, load balancer, ECS or GPU instances', async () => {
    // Prepare
    const { template } = await build('no context (CPU only)');

    // Act
    const idleCost = Object.values(template.Resources)
      .map((resource) => resource.Type)
      .filter((type) =>
        /^AWS::(EC2::(VPC|NatGateway|LaunchTemplate|VPCEndpoint)|ElasticLoadBalancingV2::|ECS::|AutoScaling::)/.test(
          type,
        ),
      );

    // Assess
    expect(idleCost).toEqual([]);
    expect(
      ofType(template, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties?.PackageType === 'Image'),
    ).toHaveLength(1);
  });

  it('tells the CPU Lambda to refuse files above its limits with a record, and runs console reruns on it', async () => {
    // Prepare
    const b = await build('no context (CPU only)');
    const { stack } = b.synthesized;

    // Act
    const env = b.resolver.value(
      resourceAt(b.template, logicalIdOf(b.synthesized, stack.cpu.function)).Properties?.Environment,
    ) as { Variables: Record<string, string> };
    const definition = JSON.parse(
      b.resolver.string(
        resourceAt(b.template, logicalIdOf(b.synthesized, stack.workflow.stateMachine)).Properties
          ?.DefinitionString,
      ),
    ) as { States: Record<string, { Type: string; Parameters?: { FunctionName?: string } }> };
    const invoked = new Set(
      Object.values(definition.States).flatMap((state) =>
        state.Parameters?.FunctionName === undefined ? [] : [state.Parameters.FunctionName],
      ),
    );

    // Assess
    expect(env.Variables.LARGE_FILE_POLICY).toBe('refuse');
    expect(env.Variables.STATE_MACHINE_ARN).toBeUndefined();
    expect([...invoked]).toEqual([b.resolver.arn(logicalIdOf(b.synthesized, stack.cpu.function))]);
  });
});

describe('AWS rules: the Triton service', () => {
  const get = () => build('the Triton service scaling to zero');

  it("S3 authorizes Triton's HeadBucket as s3:ListBucket with no s3:prefix key, and its listings and reads stay in the repository", async () => {
    // Prepare
    const b = await get();
    const triton = b.synthesized.stack.triton!;
    const taskRole = logicalIdOf(b.synthesized, triton.taskDefinition.taskRole as never);
    const bucket = `arn:aws:s3:::${b.resolver.string({ Ref: logicalIdOf(b.synthesized, b.synthesized.stack.storage.bucket) })}`;

    // Act
    const wrong = await decisions(b, taskRole, [
      [{ action: 's3:ListBucket', resource: bucket }, 'Allowed'],
      [
        { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'triton-models/w2v2/' } },
        'Allowed',
      ],
      [{ action: 's3:GetObject', resource: `${bucket}/triton-models/w2v2/config.pbtxt` }, 'Allowed'],
      [{ action: 's3:GetObject', resource: `${bucket}/triton-models/w2v2/1/model.onnx` }, 'Allowed'],
      [{ action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'incoming/' } }, 'Denied'],
      [{ action: 's3:GetObject', resource: `${bucket}/incoming/lessons/week 3.wav` }, 'Denied'],
      [{ action: 's3:PutObject', resource: `${bucket}/triton-models/w2v2/1/model.onnx` }, 'Denied'],
    ]);

    // Assess
    expect(wrong).toEqual([]);
  });

  it('publishes the model repository before any task starts, at the path Triton loads, for the model the Lambdas name', async () => {
    // Prepare
    const b = await get();
    const { stack } = b.synthesized;
    const triton = stack.triton!;
    const serviceId = logicalIdOf(b.synthesized, triton.service);
    const deploymentId = firstOfType(b.template, 'Custom::CDKBucketDeployment')[0];
    const deployment = propertiesOf(resourceAt(b.template, deploymentId));
    const task = propertiesOf(firstOfType(b.template, 'AWS::ECS::TaskDefinition')[1]);
    const container = (b.resolver.value(task.ContainerDefinitions) as Array<{ Command: string[] }>)[0]!;
    const tritonEnv = b.resolver.value(
      resourceAt(b.template, logicalIdOf(b.synthesized, stack.tritonAlign!.function)).Properties?.Environment,
    ) as { Variables: Record<string, string> };
    const staged = await stagedRepository();

    // Act
    const destination = `s3://${b.resolver.string(deployment.DestinationBucketName)}/${b.resolver.string(deployment.DestinationBucketKeyPrefix)}`;
    const repositoryFlag = container.Command.find((argument) => argument.startsWith('--model-repository='))!;
    const config = readFileSync(join(staged.dir, tritonEnv.Variables.TRITON_MODEL!, 'config.pbtxt'), 'utf8');

    // Assess
    expect([b.template.Resources[serviceId]?.DependsOn].flat()).toContain(deploymentId);
    expect(deployment.Prune).not.toBe(false);
    expect(`${repositoryFlag.slice('--model-repository='.length)}/`).toBe(destination);
    expect(config).toContain(`name: "${tritonEnv.Variables.TRITON_MODEL}"`);
    expect(readFileSync(join(staged.dir, 'w2v2', '1', 'model.onnx')).length).toBeGreaterThan(1_000_000);
  });

  it('writes the repository only under triton-models/: the publisher is denied writes and deletes anywhere else', async () => {
    // Prepare
    const b = await get();
    const deployment = propertiesOf(firstOfType(b.template, 'Custom::CDKBucketDeployment')[1]);
    const handlerId = (deployment.ServiceToken as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const roleId = b.iam.roleOf(resourceAt(b.template, handlerId).Properties?.Role);
    const bucket = `arn:aws:s3:::${b.resolver.string(deployment.DestinationBucketName)}`;

    // Act
    const wrong = await decisions(b, roleId, [
      [{ action: 's3:PutObject', resource: `${bucket}/triton-models/w2v2/1/model.onnx` }, 'Allowed'],
      [{ action: 's3:DeleteObject', resource: `${bucket}/triton-models/old/1/model.onnx` }, 'Allowed'],
      [{ action: 's3:PutObject', resource: `${bucket}/incoming/lessons/week 3.wav` }, 'ExplicitlyDenied'],
      [{ action: 's3:DeleteObject', resource: `${bucket}/incoming/lessons/week 3.wav` }, 'ExplicitlyDenied'],
      [{ action: 's3:PutObject', resource: `${bucket}/results/lessons/week 3.json` }, 'ExplicitlyDenied'],
    ]);

    // Assess
    expect(wrong).toEqual([]);
    // Only logging rights come from a managed policy, so evaluating the template's policies is complete.
    expect(b.iam.managedPoliciesOf(roleId)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it('ECS keeps an omitted DesiredCount on update, and the service waits for the capacity-provider association', async () => {
    // Prepare
    const b = await get();
    const [[serviceId, service]] = ofType(b.template, 'AWS::ECS::Service') as [[string, Resource]];
    const [[associationId]] = ofType(b.template, 'AWS::ECS::ClusterCapacityProviderAssociations') as [
      [string, Resource],
    ];

    // Act
    const dependsOn = [service.DependsOn].flat();

    // Assess
    expect(service.Properties).not.toHaveProperty('DesiredCount');
    expect(dependsOn).toContain(associationId);
    expect(serviceId).toBeDefined();
  });

  it('runs the Amazon Linux 2023 ECS GPU AMI from its public SSM parameter with a Triton release its driver supports', async () => {
    // Prepare
    const b = await get();

    // Act
    const parameters = Object.values(b.template.Parameters ?? {}).map((parameter) => parameter.Default);
    const images = ofType(b.template, 'AWS::ECS::TaskDefinition').flatMap(([, task]) =>
      (propertiesOf(task).ContainerDefinitions as Array<{ Image: string }>).map(
        (container) => container.Image,
      ),
    );

    // Assess
    expect(parameters).toContain('/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id');
    expect(parameters.filter((p) => String(p).includes('amazon-linux-2/'))).toEqual([]);
    expect(images).toEqual([DEFAULT_TRITON_IMAGE]);
  });

  it('waits for Triton readiness long enough to cover a cold GPU start before aligning', async () => {
    // Prepare
    const scaling = await get();
    const alwaysOn = await build('the Triton service always on');
    const waitOf = (b: Built) => {
      const definition = JSON.parse(
        b.resolver.string(
          resourceAt(b.template, logicalIdOf(b.synthesized, b.synthesized.stack.workflow.stateMachine))
            .Properties?.DefinitionString,
        ),
      ) as {
        States: Record<string, { Seconds?: number; Choices?: Array<{ NumericGreaterThanEquals?: number }> }>;
      };
      const polls = definition.States.IsTritonReady!.Choices!.find(
        (c) => c.NumericGreaterThanEquals !== undefined,
      )!.NumericGreaterThanEquals!;
      return { interval: definition.States.WaitForTriton!.Seconds!, polls };
    };

    // Act
    const cold = waitOf(scaling);
    const warm = waitOf(alwaysOn);

    // Assess
    expect(cold).toEqual({
      interval: COLD_START_READINESS.intervalSeconds,
      polls: COLD_START_READINESS.maxPolls,
    });
    expect((cold.interval * (cold.polls - 1)) / 60).toBeGreaterThanOrEqual(20);
    expect(warm).toEqual({ interval: WARM_READINESS.intervalSeconds, polls: WARM_READINESS.maxPolls });
  });
});

describe('AWS rules: the Triton image mirrored in ECR', () => {
  it('pulls it inside the VPC: ECR endpoints for the instances, and the execution role may read the repository', async () => {
    // Prepare
    const b = await build('the Triton image mirrored in ECR');
    const [[, task]] = ofType(b.template, 'AWS::ECS::TaskDefinition') as [[string, Resource]];
    const executionRole = b.iam.roleOf(task.Properties?.ExecutionRoleArn);
    const repository = 'arn:aws:ecr:eu-west-1:123456789012:repository/tritonserver';

    // Act
    const endpoints = ofType(b.template, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) =>
      b.resolver.string(endpoint.Properties?.ServiceName),
    );
    const wrong = await decisions(b, executionRole, [
      [{ action: 'ecr:GetAuthorizationToken', resource: '*' }, 'Allowed'],
      [{ action: 'ecr:BatchGetImage', resource: repository }, 'Allowed'],
      [{ action: 'ecr:GetDownloadUrlForLayer', resource: repository }, 'Allowed'],
      [{ action: 'ecr:BatchGetImage', resource: `${repository}-other` }, 'Denied'],
    ]);

    // Assess
    expect(endpoints).toEqual(
      expect.arrayContaining([
        'com.amazonaws.eu-west-1.ecr.api',
        'com.amazonaws.eu-west-1.ecr.dkr',
        'com.amazonaws.eu-west-1.s3',
      ]),
    );
    expect(wrong).toEqual([]);
    expect(b.resolver.value((propertiesOf(task).ContainerDefinitions as unknown[])[0])).toMatchObject({
      Image: MIRRORED_IMAGE,
    });
  });
});

describe('AWS rules: two stacks in one account and region', () => {
  it('share no physical name, so a second stack never collides with the first', async () => {
    // Prepare
    const [first, second] = await Promise.all([
      build('the Triton service scaling to zero'),
      build('a second stack named AlignB'),
    ]);
    // Private hosted zones are per VPC: two stacks may each have one for the same Triton name.
    const namesOf = (b: Built) =>
      Object.values(b.template.Resources)
        .filter((resource) => !resource.Type.startsWith('AWS::Route53::'))
        .flatMap((resource) =>
          PHYSICAL_NAME_PROPERTIES.filter((key) => resource.Properties?.[key] !== undefined).map(
            (key) => `${resource.Type} ${key} ${b.resolver.string(resource.Properties?.[key])}`,
          ),
        );

    // Act
    const firstNames = new Set(namesOf(first));
    const shared = namesOf(second).filter((name) => firstNames.has(name));

    // Assess
    expect(firstNames.size).toBeGreaterThan(2);
    expect(shared).toEqual([]);
  });
});
