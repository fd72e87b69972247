import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AlignmentWorkflow, type AlignmentWorkflowProps } from '../../cdk/constructs/alignment-workflow';
import { COLD_START_READINESS, type TritonReadiness } from '../../cdk/constructs/workflow-settings';

/** The account, region and partition the synthesized test stack lives in. */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-1', partition: 'aws' } as const;

/** A synthesized stack holding the workflow, with the logical ids of its two Lambdas. */
export interface WorkflowStack {
  stack: Stack;
  workflow: AlignmentWorkflow;
  template: Template;
  tritonLogicalId: string;
  cpuLogicalId: string;
}

/** What the test workflow is built with: the construct's own options, and whether it has a GPU branch. */
export type WorkflowStackOptions = Partial<Omit<AlignmentWorkflowProps, 'triton' | 'cpuFunction'>> & {
  /** Default: a GPU branch with the cold-start readiness wait; `false`: the CPU-only workflow. */
  readiness?: TritonReadiness | false;
};

/**
 * Synthesizes a stack with the workflow over two real `lambda.Function`s (inline placeholder code: only the
 * wiring is under test here); the CPU function is bound as a starter, as the application stack does.
 */
export function synthesizeWorkflowStack(options: WorkflowStackOptions = {}): WorkflowStack {
  const { readiness = COLD_START_READINESS, ...props } = options;
  const app = new App();
  const stack = new Stack(app, 'WorkflowTest', {
    env: { account: TEST_ENV.account, region: TEST_ENV.region },
  });
  const placeholder = (id: string): lambda.Function =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
  const triton = placeholder('TritonAlign');
  const cpu = placeholder('CpuAlign');
  const workflow = new AlignmentWorkflow(stack, 'Workflow', {
    cpuFunction: cpu,
    triton: readiness === false ? undefined : { function: triton, readiness },
    ...props,
  });
  if (readiness !== false) workflow.bindStarter(cpu);
  return {
    stack,
    workflow,
    template: Template.fromStack(stack),
    tritonLogicalId: stack.getLogicalId(triton.node.defaultChild as lambda.CfnFunction),
    cpuLogicalId: stack.getLogicalId(cpu.node.defaultChild as lambda.CfnFunction),
  };
}

/** A CloudFormation value: a literal, or an intrinsic such as `{"Ref": ...}` or `{"Fn::Join": ...}`. */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

/**
 * Resolves the intrinsics a state machine definition uses (Fn::Join, Ref, Fn::GetAtt ... Arn) the way
 * CloudFormation would: pseudo parameters from TEST_ENV, resources from `arns` (logical id → ARN).
 */
export function resolveCfn(value: CfnValue, arns: Readonly<Record<string, string>>): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`cannot resolve ${JSON.stringify(value)} to a string`);
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, CfnValue[]];
    return parts.map((part) => resolveCfn(part, arns)).join(separator);
  }
  if ('Ref' in value) return lookup(value.Ref as string, arns);
  if ('Fn::GetAtt' in value) {
    const [logicalId, attribute] = value['Fn::GetAtt'] as [string, string];
    if (attribute !== 'Arn')
      throw new Error(`only Fn::GetAtt ${logicalId}.Arn is supported, got ${attribute}`);
    return lookup(logicalId, arns);
  }
  throw new Error(`unsupported intrinsic ${Object.keys(value).join(', ')}`);
}

function lookup(name: string, arns: Readonly<Record<string, string>>): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': TEST_ENV.partition,
    'AWS::Region': TEST_ENV.region,
    'AWS::AccountId': TEST_ENV.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const found = pseudo[name] ?? arns[name];
  if (found === undefined) throw new Error(`no ARN given for ${name}`);
  return found;
}

/** A test ARN for a Lambda function of the test stack. */
export function functionArn(name: string): string {
  return `arn:${TEST_ENV.partition}:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${name}`;
}

/** The synthesized state machine definition (Amazon States Language), intrinsics resolved. */
export function stateMachineDefinition(
  synthesized: WorkflowStack,
  arns: Readonly<Record<string, string>>,
): string {
  const machines = synthesized.template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as { Properties: { DefinitionString: CfnValue } }[];
  if (machine === undefined) throw new Error('the stack has no state machine');
  return resolveCfn(machine.Properties.DefinitionString, arns);
}
