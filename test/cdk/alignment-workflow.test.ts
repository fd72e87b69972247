import { Match } from 'aws-cdk-lib/assertions';
import { RETRYABLE_ERRORS, workflowStateMachineName } from '../../cdk/constructs/workflow-settings';
import { RedeliveryNeededError } from '../../shared/pipeline/process-event';
import {
  type CfnValue,
  functionArn,
  resolveCfn,
  stateMachineDefinition,
  synthesizeWorkflowStack,
  TEST_ENV,
  type WorkflowStack,
} from '../helpers/local-stepfunctions-stack';

interface AslState {
  Type: string;
  Retry?: { ErrorEquals: string[]; JitterStrategy?: string; BackoffRate?: number; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Error?: string;
  ErrorPath?: string;
  Parameters?: { FunctionName?: string };
  TimeoutSeconds?: number;
}

describe('AlignmentWorkflow construct', () => {
  let synthesized: WorkflowStack;
  let states: Record<string, AslState>;
  let definition: { QueryLanguage?: string; StartAt: string; States: Record<string, AslState> };

  beforeAll(() => {
    synthesized = synthesizeWorkflowStack({ stateMachineName: 'w2v2-align-test' });
    definition = JSON.parse(
      stateMachineDefinition(synthesized, {
        [synthesized.tritonLogicalId]: functionArn('triton'),
        [synthesized.cpuLogicalId]: functionArn('cpu'),
      }),
    );
    states = definition.States;
  });

  it('is a Standard JSONPath state machine with logging ALL and X-Ray tracing', () => {
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'w2v2-align-test',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    expect(definition.QueryLanguage).toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toContain('JSONata');
  });

  it('validates the input first and fails invalid input with INVALID_INPUT', () => {
    expect(definition.StartAt).toBe('ValidateInput');
    expect(states.ValidateInput?.Type).toBe('Choice');
    expect(states.InvalidInput).toMatchObject({ Type: 'Fail', Error: 'INVALID_INPUT' });
  });

  it('invokes Triton by default and the CPU Lambda on the cpu branch', () => {
    expect(states.AlignOnTriton?.Parameters?.FunctionName).toBe(functionArn('triton'));
    expect(states.AlignOnCpu?.Parameters?.FunctionName).toBe(functionArn('cpu'));
  });

  it('retries transient errors with full jitter and backoff, then has the CPU Lambda record the failure', () => {
    for (const [name, record] of [
      ['AlignOnTriton', 'RecordTritonFailure'],
      ['AlignOnCpu', 'RecordCpuFailure'],
    ] as const) {
      const state = states[name]!;
      expect(state.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: [...RETRYABLE_ERRORS],
          JitterStrategy: 'FULL',
          BackoffRate: 2,
          MaxAttempts: 4,
          IntervalSeconds: 20,
        }),
      ]);
      expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: record }]);
      expect(state.TimeoutSeconds).toBe(900);
      // The CPU Lambda is outside any VPC and needs no Triton: it can always write the record.
      expect(states[record]?.Parameters?.FunctionName).toBe(functionArn('cpu'));
    }
    expect(states.ActivityFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.recorded.failure.code' });
    expect(states.AlignmentFailed).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.outcome.response.error.code',
    });
  });

  it('retries the error names the Lambdas really throw', () => {
    expect(RETRYABLE_ERRORS).toContain(new RedeliveryNeededError([]).name);
  });

  it('gives the CPU function the formatted ARN and StartExecution on it, without a reference cycle', () => {
    // Prepare
    const expectedArn = `arn:${TEST_ENV.partition}:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:w2v2-align-test`;
    const cpu = synthesized.template.findResources('AWS::Lambda::Function')[synthesized.cpuLogicalId] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };

    // Act
    const arn = resolveCfn(cpu.Properties.Environment.Variables.STATE_MACHINE_ARN as CfnValue, {});

    // Assess
    expect(arn).toBe(expectedArn);
    expect(synthesized.workflow.stateMachineArn).toContain('w2v2-align-test');
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]),
      },
    });
  });

  it('without a GPU branch, runs every valid input on the CPU Lambda and never probes Triton', () => {
    // Prepare
    const cpuOnly = synthesizeWorkflowStack({ stateMachineName: 'w2v2-align-cpu', readiness: false });

    // Act
    const cpuStates = JSON.parse(
      stateMachineDefinition(cpuOnly, { [cpuOnly.cpuLogicalId]: functionArn('cpu') }),
    ).States as Record<string, AslState & { Choices?: Array<{ Next: string }> }>;

    // Assess
    expect(cpuStates.ValidateInput?.Choices?.[0]?.Next).toBe('AlignOnCpu');
    expect(Object.keys(cpuStates)).not.toContain('ProbeTriton');
    expect(Object.keys(cpuStates)).not.toContain('AlignOnTriton');
    expect(
      Object.values(cpuStates).flatMap((state) =>
        state.Parameters?.FunctionName === undefined ? [] : [state.Parameters.FunctionName],
      ),
    ).toEqual([functionArn('cpu'), functionArn('cpu')]);
  });

  it('names the state machine after the stack by default, within 80 characters', () => {
    expect(workflowStateMachineName('Prod')).toBe('Prod-alignment');
    expect(workflowStateMachineName('x'.repeat(100))).toHaveLength(80);
  });
});
