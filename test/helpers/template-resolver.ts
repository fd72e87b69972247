/** The account, region and partition a synthesized template is read in. */
export const TEMPLATE_ENV = { account: '123456789012', region: 'eu-west-1', partition: 'aws' } as const;

/** The properties that give a resource an explicit physical name, across the resource types the stack uses. */
export const PHYSICAL_NAME_PROPERTIES = [
  'BucketName',
  'FunctionName',
  'StateMachineName',
  'LogGroupName',
  'QueueName',
  'RoleName',
  'ClusterName',
  'DashboardName',
  'AlarmName',
  'TopicName',
  'Name',
] as const;

/** A CloudFormation template as CDK synthesizes it. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }>;
  Parameters?: Record<string, { Default?: unknown }>;
}

/**
 * Reads template values as CloudFormation would resolve them at deploy time in one stack: pseudo parameters,
 * Ref and Fn::GetAtt of resources (to physical names and ARNs shaped like the real ones, derived from the
 * logical id and the stack name), Fn::Join, Fn::Sub, Fn::Select, Fn::Split and Fn::GetAZs. A value it cannot
 * stand for throws, so nothing is silently replaced.
 */
export class TemplateResolver {
  private readonly stackId: string;

  public constructor(
    private readonly template: CfnTemplate,
    private readonly stackName: string,
  ) {
    const uuid = `${hex(stackName, 8)}-0000-4000-8000-${hex(stackName, 12)}`;
    this.stackId = `arn:aws:cloudformation:${TEMPLATE_ENV.region}:${TEMPLATE_ENV.account}:stack/${stackName}/${uuid}`;
  }

  /** The resolved value: a string, or an array for list-valued intrinsics. */
  public value(value: unknown): unknown {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value === null || typeof value !== 'object') throw new Error(`cannot resolve ${String(value)}`);
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length !== 1 || first === undefined || !(first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([key, item]) => [key, this.value(item)]));
    }
    const [fn, args] = first;
    switch (fn) {
      case 'Ref':
        return this.ref(args as string);
      case 'Fn::GetAtt': {
        const [id, attribute] = args as [string, string];
        return this.attribute(id, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown[]];
        return (this.value(parts) as unknown[]).map((part) => this.string(part)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = args as [number, unknown];
        const items = this.value(list) as unknown[];
        if (!Array.isArray(items) || items[index] === undefined)
          throw new Error(`Fn::Select ${index} out of range`);
        return items[index];
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        return this.string(source).split(separator);
      }
      case 'Fn::GetAZs':
        return [`${TEMPLATE_ENV.region}a`, `${TEMPLATE_ENV.region}b`];
      case 'Fn::Sub': {
        const [text, variables] = (typeof args === 'string' ? [args, {}] : args) as [
          string,
          Record<string, unknown>,
        ];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in variables) return this.string(variables[name]);
          const [id, attribute] = name.split('.');
          return attribute === undefined ? this.string(this.ref(name)) : this.attribute(id!, attribute);
        });
      }
      default:
        throw new Error(`unsupported intrinsic ${fn}`);
    }
  }

  /** The resolved value, which must be a string. */
  public string(value: unknown): string {
    const resolved = this.value(value);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  }

  /** The ARN of a resource of the template. */
  public arn(logicalId: string): string {
    return this.attribute(logicalId, 'Arn');
  }

  private ref(name: string): unknown {
    const pseudo: Record<string, string> = {
      'AWS::Partition': TEMPLATE_ENV.partition,
      'AWS::Region': TEMPLATE_ENV.region,
      'AWS::AccountId': TEMPLATE_ENV.account,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': this.stackId,
    };
    if (name in pseudo) return pseudo[name];
    const parameter = this.template.Parameters?.[name];
    if (parameter !== undefined) return name.includes('Ssm') ? 'ami-0123456789abcdef0' : parameter.Default;
    const resource = this.resource(name);
    const physical = this.physicalName(name);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${TEMPLATE_ENV.region}.amazonaws.com/${TEMPLATE_ENV.account}/${physical}`;
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      case 'AWS::ElasticLoadBalancingV2::Listener':
      case 'AWS::ECS::TaskDefinition':
      case 'AWS::ECS::CapacityProvider':
        return this.arn(name);
      default:
        return physical;
    }
  }

  private attribute(id: string, attribute: string): string {
    const resource = this.resource(id);
    const name = this.physicalName(id);
    const { partition, region, account } = TEMPLATE_ENV;
    if (attribute !== 'Arn') return `${name}-${attribute.toLowerCase()}`;
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${name}`;
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::SQS::Queue':
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case 'AWS::ECS::Cluster':
        return `arn:${partition}:ecs:${region}:${account}:cluster/${name}`;
      default:
        return `arn:${partition}:${resource.Type.split('::')[1]!.toLowerCase()}:${region}:${account}:${name}`;
    }
  }

  /** The explicit physical name when the template sets one, else one CloudFormation would generate. */
  private physicalName(id: string): string {
    const properties = this.resource(id).Properties ?? {};
    // A hosted zone's Ref is its id, not its Name: every other explicit name is what Ref and the ARN use.
    for (const key of PHYSICAL_NAME_PROPERTIES.filter((property) => property !== 'Name')) {
      if (properties[key] !== undefined) return this.string(properties[key]);
    }
    const generated = `${this.stackName}-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '');
    return generated.slice(0, 63);
  }

  private resource(id: string) {
    const resource = this.template.Resources[id];
    if (resource === undefined) throw new Error(`no resource ${id} in the template`);
    return resource;
  }
}

/** A stable hex string of `length` digits derived from `text` (a stand-in for the stack id's UUID). */
function hex(text: string, length: number): string {
  let value = 2166136261;
  let out = '';
  while (out.length < length) {
    for (const char of `${text}${out.length}`) value = Math.imul(value ^ char.charCodeAt(0), 16777619) >>> 0;
    out += value.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
