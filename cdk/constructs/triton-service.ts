import { AspectPriority, Aspects, type CfnElement, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { asICluster } from './construct-interfaces';
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
  /**
   * The model repository: a prefix of a bucket, and the staged folder (`w2v2-align triton-repo` output of
   * the model the CPU image runs) that the stack publishes there before any task starts.
   */
  modelRepository: { bucket: s3.IBucket; prefix: string; source: StagedModelRepository };
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

/** A Triton model repository staged on disk at synth, and a digest of its files. */
export interface StagedModelRepository {
  dir: string;
  /** Changes whenever a file of the repository does; running tasks are replaced when it changes. */
  version: string;
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
  /** Publishes the model repository; the service starts no task before it is complete. */
  public readonly repository: s3deploy.BucketDeployment;
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

    this.repository = this.publishRepository();
    this.taskDefinition = this.createTask();
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Triton tasks: HTTP from the load balancer only',
    });
    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: asICluster(this.cluster),
      taskDefinition: this.taskDefinition,
      // No DesiredCount: CloudFormation then starts one task on create and leaves the count alone on every
      // later update, where auto scaling owns it (an explicit count would reset running tasks on each deploy).
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
    this.service.node.addDependency(this.repository);
    dependOnCapacityProviderAssociation(this.service, this.cluster);

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

  /**
   * Tasks the service wants but does not have running (Container Insights' DesiredTaskCount minus
   * RunningTaskCount): a task that crash-loops before it registers with the load balancer shows here.
   */
  public metricTaskShortfall(): cloudwatch.IMetric {
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName },
        statistic: 'Average',
        period: Duration.minutes(1),
      });
    return new cloudwatch.MathExpression({
      expression: 'FILL(desired, 0) - FILL(running, 0)',
      usingMetrics: { desired: metric('DesiredTaskCount'), running: metric('RunningTaskCount') },
      period: Duration.minutes(1),
      label: 'Triton tasks wanted but not running',
    });
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
      // Amazon Linux 2023: Amazon Linux 2 (and its ECS-optimized AMI) reached end of support on 2026-06-30. Its
      // NVIDIA driver must satisfy the Triton release's CUDA (see DEFAULT_TRITON_IMAGE for the pairing).
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.GPU),
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
        // IfExists: Triton's S3 filesystem first calls HeadBucket, a request without an s3:prefix key, which a
        // plain StringLike would deny (a condition on a key absent from the request is false); listings
        // still carry a prefix and stay confined to the repository.
        conditions: { StringLikeIfExists: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    task.addContainer('triton', {
      image: this.containerImage(),
      command: [
        'tritonserver',
        `--model-repository=s3://${bucket.bucketName}/${prefix.replace(/\/+$/, '')}`,
        `--http-port=${TRITON_HTTP_PORT}`,
        '--allow-grpc=false',
        '--strict-readiness=true',
      ],
      // Triton's S3 client needs the region (its own code reads AWS_DEFAULT_REGION, the AWS SDK's chain
      // AWS_REGION); credentials come from the task role. The repository's version
      // makes a changed model a new task definition, so a deploy replaces the tasks that loaded the old one.
      environment: {
        AWS_DEFAULT_REGION: Stack.of(this).region,
        AWS_REGION: Stack.of(this).region,
        MODEL_REPOSITORY_VERSION: this.props.modelRepository.source.version,
      },
      gpuCount: 1,
      memoryReservationMiB: 4096,
      portMappings: [{ containerPort: TRITON_HTTP_PORT }],
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { sharedMemorySize: 1024 }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'triton', logGroup }),
    });
    // A mirrored image gives the task an execution role (CDK creates it with the pull grant).
    if (task.executionRole !== undefined) {
      acknowledge(task.executionRole, [
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'ecr:GetAuthorizationToken, which ECS needs to pull the mirrored Triton image, supports no ' +
            'resource-level permissions; the pull itself is granted on the one repository.',
        },
      ]);
    }
    return task;
  }

  /**
   * Copies the staged repository under the prefix, replacing what was there (prune), so the first deploy
   * already gives Triton a repository it can load and a later one swaps the model the CPU image swapped.
   */
  private publishRepository(): s3deploy.BucketDeployment {
    const { bucket, prefix, source } = this.props.modelRepository;
    const deployment = new s3deploy.BucketDeployment(this, 'ModelRepository', {
      sources: [s3deploy.Source.asset(source.dir)],
      destinationBucket: bucket,
      destinationKeyPrefix: prefix,
      prune: true,
      // Room for a large model (wav2vec2-large is 1.3 GB of fp32): the handler unzips and syncs it from /tmp.
      memoryLimit: 2048,
      ephemeralStorageSize: Size.gibibytes(8),
    });
    // CDK grants the copy read and write on the whole bucket; it may only ever write the repository.
    deployment.handlerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        notResources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    return deployment;
  }

  /**
   * The Triton image: from its public registry through the NAT gateway, or, when it names a private ECR
   * repository (a mirror of the nvcr.io image, see docs/deploy.md), from ECR through the VPC's endpoints,
   * which the task execution role may pull from.
   */
  private containerImage(): ecs.ContainerImage {
    const mirror = parseEcrImage(this.props.image);
    if (mirror === undefined) return ecs.ContainerImage.fromRegistry(this.props.image);
    const repository = ecr.Repository.fromRepositoryAttributes(this, 'ImageMirror', {
      repositoryArn: `arn:${Stack.of(this).partition}:ecr:${mirror.region}:${mirror.account}:repository/${mirror.repository}`,
      repositoryName: mirror.repository,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, mirror.tag);
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
          "The region (AWS_DEFAULT_REGION, AWS_REGION), which Triton's S3 client needs, and the model " +
          "repository's digest: no secrets.",
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

/** The parts of a private ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`). */
export function parseEcrImage(
  image: string,
): { account: string; region: string; repository: string; tag: string } | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9._/-]+):([\w.-]+)$/.exec(image);
  if (match === null) return undefined;
  const [, account, region, repository, tag] = match as unknown as [string, string, string, string, string];
  return { account, region, repository, tag };
}

/**
 * Makes the service depend on the cluster's capacity-provider association, which CDK creates in an aspect at
 * synthesis: without it CloudFormation may create the service before the association (a capacity provider
 * strategy naming an unassociated provider fails) and, on delete, remove the association while the service
 * still drains.
 */
function dependOnCapacityProviderAssociation(service: ecs.Ec2Service, cluster: ecs.Cluster): void {
  Aspects.of(service).add(
    {
      visit(node: IConstruct): void {
        if (node !== service) return;
        const association = cluster.node
          .findAll()
          .find((child) => child instanceof ecs.CfnClusterCapacityProviderAssociations);
        if (association === undefined) throw new Error('the cluster has no capacity-provider association');
        service.node.addDependency(association);
      },
    },
    // After CDK's own aspect (a mutating one) has created the association.
    { priority: AspectPriority.DEFAULT },
  );
}
