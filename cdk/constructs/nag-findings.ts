import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges cdk-nag findings on `scope` and everything below it, each with the reason a reviewer reads. */
export function acknowledge(
  scope: IConstruct,
  findings: ReadonlyArray<{ id: string; reason: string }>,
): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}

/**
 * The resource part of an IAM5 finding id for `<resource ARN><suffix>`, e.g.
 * `Resource::<DataBucketE3889A50.Arn>/incoming/*`, as cdk-nag names the wildcard it found.
 */
export function arnWildcard(resource: CfnElement, suffix: string): string {
  return `Resource::<${Stack.of(resource).getLogicalId(resource)}.Arn>${suffix}`;
}

/**
 * The wildcards every logged, traced state machine that invokes Lambdas gets from CDK: CloudWatch Logs
 * delivery and X-Ray actions (no resource-level permissions exist for them), and `<function ARN>:*` so a
 * version or alias of each invoked function may run.
 */
export function acknowledgeStateMachineDefaults(scope: IConstruct, invoked: readonly IConstruct[]): void {
  acknowledge(scope, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Execution logging (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray tracing: these ' +
        'actions support no resource-level permissions.',
    },
    ...invoked.map((fn) => ({
      id: `AwsSolutions-IAM5[${arnWildcard(fn.node.defaultChild as CfnElement, ':*')}]`,
      reason:
        'Invoking a version or alias of the one function this state machine calls (CDK LambdaInvoke grant).',
    })),
  ]);
}
