import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type CfnTemplate, TEMPLATE_ENV, type TemplateResolver } from './template-resolver';

/** One request a principal makes (or AWS makes on its behalf), with the context keys AWS puts in it. */
export interface IamRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** How IAM decides a request: allowed, denied by no Allow, or denied by an explicit Deny. */
export type IamDecision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

type PolicyDocument = { Version?: string; Statement: unknown[] };

/**
 * Evaluates requests against the policies of a synthesized template with an IAM policy evaluator, as AWS
 * evaluates them: the role's identity policies (inline and AWS::IAM::Policy resources attached to it) and,
 * for S3, the bucket's policy. Conditions, NotResource and Deny statements count; requests are made over TLS
 * (aws:SecureTransport true) unless the context says otherwise. AWS-managed policies attached to a role are
 * not evaluated (their documents are not in the template): the roles under test carry none.
 */
export class TemplateIam {
  public constructor(
    private readonly template: CfnTemplate,
    private readonly resolver: TemplateResolver,
  ) {}

  /** The logical id of the role behind `roleArnValue` (a template value such as `{"Fn::GetAtt": [id, "Arn"]}`). */
  public roleOf(roleArnValue: unknown): string {
    const arn = this.resolver.string(roleArnValue);
    const id = Object.keys(this.template.Resources).find(
      (candidate) =>
        this.template.Resources[candidate]!.Type === 'AWS::IAM::Role' && this.resolver.arn(candidate) === arn,
    );
    if (id === undefined) throw new Error(`no role in the template has the ARN ${arn}`);
    return id;
  }

  /** Every identity policy document attached to the role. */
  public policiesOf(roleId: string): PolicyDocument[] {
    const role = this.template.Resources[roleId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
    const inline = ((role.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map(
      (policy) => policy.PolicyDocument,
    );
    const attached = Object.values(this.template.Resources)
      .filter(
        (resource) =>
          resource.Type === 'AWS::IAM::Policy' &&
          ((resource.Properties?.Roles ?? []) as unknown[]).some(
            (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
          ),
      )
      .map((resource) => resource.Properties?.PolicyDocument);
    return [...inline, ...attached].map((document) => this.resolver.value(document) as PolicyDocument);
  }

  /** Whether the role's managed policies are only those named (the evaluation cannot see their documents). */
  public managedPoliciesOf(roleId: string): string[] {
    const role = this.template.Resources[roleId];
    return ((role?.Properties?.ManagedPolicyArns ?? []) as unknown[]).map((arn) => this.resolver.string(arn));
  }

  /** How IAM decides `request` made by the role. */
  public async decide(roleId: string, request: IamRequest): Promise<IamDecision> {
    const bucketPolicy = request.resource.startsWith('arn:aws:s3:::')
      ? this.bucketPolicyFor(request.resource.slice('arn:aws:s3:::'.length).split('/')[0]!)
      : undefined;
    const response = await runSimulation(
      {
        identityPolicies: this.policiesOf(roleId).map((policy, i) => ({ name: `${roleId}-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(bucketPolicy === undefined ? {} : { resourcePolicy: bucketPolicy }),
        request: {
          action: request.action,
          principal: this.resolver.arn(roleId),
          resource: { accountId: TEMPLATE_ENV.account, resource: request.resource },
          contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
        },
      } as Parameters<typeof runSimulation>[0],
      {},
    );
    if (response.resultType === 'error') {
      throw new Error(
        `IAM simulation of ${request.action} on ${request.resource} failed: ${JSON.stringify(response.errors)}`,
      );
    }
    return response.overallResult as IamDecision;
  }

  private bucketPolicyFor(bucketName: string): PolicyDocument | undefined {
    const policy = Object.values(this.template.Resources).find(
      (resource) =>
        resource.Type === 'AWS::S3::BucketPolicy' &&
        this.resolver.string(resource.Properties?.Bucket) === bucketName,
    );
    return policy === undefined
      ? undefined
      : (this.resolver.value(policy.Properties?.PolicyDocument) as PolicyDocument);
  }
}
