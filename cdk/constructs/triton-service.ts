import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, arnWildcard } from './nag-findings';
import type { TritonEndpoint } from './pipeline-function';

/** Triton's HTTP (KServe v2) port inside the task; TLS ends at the load balancer. */
const TRITON_HTTP_PORT = 8000;
/** Triton answers 200 here once every model in the repository is loaded. */
export const TRITON_READY_PATH = '/v2/health/ready';

/** How the Triton service is run. */
export interface TritonServiceProps {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  /** The model repository (`w2v2-align triton-repo` output) under a prefix of a bucket. */
  modelRepository: { bucket: s3.IBucket; prefix: string };
  /** The model name clients ask for (TRITON_MODEL). */
  model: string;
  /** ACM certificate for `domainName`, in the stack's region. */
  certificateArn: string;
  /** The name clients connect to; a private hosted zone in the VPC points it at the load balancer. */
  domainName: string;
  instanceType: string;
  /** No GPU instance runs while nothing asks for Triton; the first request wakes one (minutes). */
  scaleToZero: boolean;
  maxInstances: number;
  image: string;
  /** ALB requests per task per minute the service scales out at; default 600. */
  requestsPerTask?: number;
}

/**
 * NVIDIA Triton on GPU EC2 instances behind an internal HTTPS load balancer: an ECS cluster whose capacity
 * provider scales an Auto Scaling group of ECS GPU-optimized instances (to zero when asked), one Triton task
 * per GPU serving the model repository straight from S3, health-checked on /v2/health/ready. Only the peers
 * passed to `allowFrom` may reach the load balancer.
 */
export class TritonService extends Construct implements TritonEndpoint {
  public readonly url: string;
  public readonly model: string;
  public readonly cluster: ecs.Cluster;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly capacityProvider: ecs.AsgCapacityProvider;
  public readonly taskDefinition: ecs.Ec2TaskDefinition;
  public readonly service: ecs.Ec2Service;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly scaling: ecs.ScalableTaskCount;
  public readonly zone: route53.PrivateHostedZone;
  private readonly props: TritonServiceProps;

  public constructor(scope: Construct, id: string, props: TritonServiceProps) {
    super(scope, id);
    this.props = props;
    this.url = `https://${props.domainName}`;
    this.model = props.model;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.autoScalingGroup = this.createInstances();
    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'Capacity', {
      autoScalingGroup: this.autoScalingGroup,
      // ECS adds an instance for a task that has none, and removes instances without tasks (down to zero).
      enableManagedScaling: true,
      targetCapacityPercent: 100,
      enableManagedTerminationProtection: true,
    });
    this.cluster.addAsgCapacityProvider(this.capacityProvider);

    this.taskDefinition = this.createTask();
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Triton tasks: HTTP from the load balancer only',
    });
    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.scaleToZero ? 0 : 1,
      capacityProviderStrategies: [
        { capacityProvider: this.capacityProvider.capacityProviderName, weight: 1 },
      ],
      vpcSubnets: props.subnets,
      securityGroups: [taskSecurityGroup],
      // With one GPU per task, a rolling update needs a second instance; with a single one, replace in place.
      minHealthyPercent: props.maxInstances > 1 ? 100 : 0,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      // Pulling the Triton image (about 10 GB) and loading the model take minutes on a fresh instance.
      healthCheckGracePeriod: Duration.minutes(15),
    });

    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Triton load balancer: HTTPS from the alignment Lambdas only',
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      // Long audio windows can take a while on a busy GPU.
      idleTimeout: Duration.minutes(5),
    });
    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    this.targetGroup = listener.addTargets('Triton', {
      port: TRITON_HTTP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [
        this.service.loadBalancerTarget({ containerName: 'triton', containerPort: TRITON_HTTP_PORT }),
      ],
      healthCheck: {
        path: TRITON_READY_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay: Duration.seconds(60),
    });

    this.zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: props.domainName, vpc: props.vpc });
    new route53.ARecord(this, 'Alias', {
      zone: this.zone,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
    });

    this.scaling = this.service.autoScaleTaskCount({
      minCapacity: props.scaleToZero ? 0 : 1,
      maxCapacity: props.maxInstances,
    });
    this.scaling.scaleOnRequestCount('Load', {
      requestsPerTarget: props.requestsPerTask ?? 600,
      targetGroup: this.targetGroup,
    });
    this.suppressFindings();
  }

  /** Admits HTTPS from `peer` (a Lambda's security group) to the load balancer. */
  public allowFrom(peer: ec2.IConnectable): void {
    this.loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(443), 'alignment Lambda to Triton');
  }

  /**
   * With scale-to-zero, follows `demand` (the Triton Lambda's invocations, as a Sum): starts a task when
   * demand shows up while no target is healthy (the Lambda's callers retry TRITON_UNAVAILABLE meanwhile), and
   * stops every task after 15 minutes without demand. Demand, not load-balancer requests, decides idleness:
   * a task that is still starting serves no request, but the retrying callers keep demand above zero.
   */
  public scaleWith(demand: cloudwatch.IMetric): void {
    if (!this.props.scaleToZero) return;
    const wanted = new cloudwatch.MathExpression({
      expression: 'IF(FILL(demand, 0) > 0 AND FILL(healthy, 0) == 0, 1, 0)',
      usingMetrics: {
        demand,
        healthy: this.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1) }),
      },
      period: Duration.minutes(1),
    });
    this.scaling.scaleOnMetric('Wake', {
      metric: wanted,
      scalingSteps: [
        { upper: 0, change: 0 },
        { lower: 1, change: +1 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      // Covers an instance start, the image pull and the model load, so one wake does not become several.
      cooldown: Duration.minutes(15),
    });
    const idle = new cloudwatch.MathExpression({
      expression: 'FILL(demand, 0)',
      usingMetrics: { demand },
      period: Duration.minutes(5),
    });
    this.scaling.scaleOnMetric('Idle', {
      metric: idle,
      scalingSteps: [
        { upper: 0, change: -this.props.maxInstances },
        { lower: 1, change: 0 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      // Three quiet 5-minute periods: a GPU instance costs about $1/hour, a cold start several minutes.
      evaluationPeriods: 3,
    });
  }

  /** Healthy Triton tasks behind the load balancer. */
  public metricHealthyTasks(): cloudwatch.Metric {
    return this.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' });
  }

  /** Unhealthy Triton tasks behind the load balancer. */
  public metricUnhealthyTasks(): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' });
  }

  private createInstances(): autoscaling.AutoScalingGroup {
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Triton GPU container instances (ECS agent)',
    });
    acknowledge(role, [
      {
        id: 'AwsSolutions-IAM5[Action::ecs:Submit*]',
        reason:
          "The ECS agent's state-change reports (SubmitTaskStateChange and kin) that CDK grants container " +
          'instances, the same as the AmazonEC2ContainerServiceforEC2Role managed policy.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ECS agent actions without resource-level permissions (ecs:DiscoverPollEndpoint, ' +
          'ecr:GetAuthorizationToken, logs); the cluster-scoped ones are granted on the cluster ARN.',
      },
    ]);
    const userData = ec2.UserData.forLinux();
    // Tasks get credentials from their task role; keep them away from the instance role behind IMDS.
    userData.addCommands('echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config');
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(this.props.instanceType),
      // Resolved from the public SSM parameter at deploy time (a CloudFormation parameter), not a context lookup.
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
      role,
      userData,
      securityGroup: new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
        vpc: this.props.vpc,
        description: 'Triton GPU instances: no inbound; tasks have their own security group (awsvpc)',
      }),
      requireImdsv2: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          // Room for the Triton image (about 10 GB compressed, more unpacked) and a model.
          volume: ec2.BlockDeviceVolume.ebs(100, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
          }),
        },
      ],
    });
    return new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: this.props.vpc,
      vpcSubnets: this.props.subnets,
      launchTemplate,
      minCapacity: 0,
      maxCapacity: this.props.maxInstances,
    });
  }

  private createTask(): ecs.Ec2TaskDefinition {
    const task = new ecs.Ec2TaskDefinition(this, 'Task', { networkMode: ecs.NetworkMode.AWS_VPC });
    const { bucket, prefix } = this.props.modelRepository;
    task.addToTaskRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    task.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    task.addContainer('triton', {
      image: ecs.ContainerImage.fromRegistry(this.props.image),
      command: [
        'tritonserver',
        `--model-repository=s3://${bucket.bucketName}/${prefix.replace(/\/+$/, '')}`,
        `--http-port=${TRITON_HTTP_PORT}`,
        '--allow-grpc=false',
        '--strict-readiness=true',
      ],
      // Triton's S3 client needs the region; credentials come from the task role.
      environment: { AWS_DEFAULT_REGION: Stack.of(this).region },
      gpuCount: 1,
      memoryReservationMiB: 4096,
      portMappings: [{ containerPort: TRITON_HTTP_PORT }],
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { sharedMemorySize: 1024 }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'triton', logGroup }),
    });
    return task;
  }

  private suppressFindings(): void {
    const { bucket, prefix } = this.props.modelRepository;
    acknowledge(this.taskDefinition, [
      {
        id: `AwsSolutions-IAM5[${arnWildcard(bucket.node.defaultChild as CfnElement, `/${prefix}*`)}]`,
        reason:
          'Triton reads every file of its model repository (names written by `w2v2-align triton-repo`); the ' +
          'wildcard is confined to that prefix.',
      },
      {
        id: 'AwsSolutions-ECS2',
        reason:
          "The one environment variable is AWS_DEFAULT_REGION, which Triton's S3 client needs; not a secret.",
      },
    ]);
    acknowledge(this.loadBalancer, [
      {
        id: 'AwsSolutions-ELB2',
        reason:
          'Internal load balancer whose only clients are the Triton Lambda, which logs every call; its request ' +
          "and health metrics are on the dashboard. Access logs need the region's ELB account in a bucket " +
          'policy, which this region-agnostic stack cannot name.',
      },
    ]);
    acknowledge(this.autoScalingGroup, [
      {
        id: 'AwsSolutions-AS3',
        reason:
          'The ECS capacity provider starts and stops these instances; scaling shows in the ECS console and ' +
          'the Triton task metrics on the dashboard, so per-instance notifications would add only noise.',
      },
    ]);
  }
}
