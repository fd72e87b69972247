import { Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A name for a retained resource that must be unique to one stack *and* to one creation of it:
 * `<prefix><stack name>-<purpose>-<first group of the stack id's UUID>`. A resource kept after a failed
 * first create (RETAIN) then never blocks the retried create with "already exists", and two stacks never
 * share it. CloudFormation gives every creation of a stack a new stack id.
 */
export function perStackName(scope: IConstruct, prefix: string, purpose: string): string {
  const stack = Stack.of(scope);
  const uuid = Fn.select(2, Fn.split('/', stack.stackId));
  return `${prefix}${stack.stackName}-${purpose}-${Fn.select(0, Fn.split('-', uuid))}`;
}

/** Where Step Functions logs go: under /aws/vendedlogs/, whose resource policy CloudWatch Logs keeps small. */
export function stateMachineLogGroupName(scope: IConstruct, purpose: string): string {
  return perStackName(scope, '/aws/vendedlogs/states/', purpose);
}
