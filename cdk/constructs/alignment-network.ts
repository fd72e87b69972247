import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The VPC of the GPU branch: public subnets for the one NAT gateway (the Triton image comes from nvcr.io),
 * private subnets for the GPU instances, the internal load balancer and the Triton Lambda; an S3 gateway
 * endpoint so audio and the model repository never cross the NAT, and a CloudWatch Logs endpoint for the
 * Triton container's log driver. Rejected traffic is logged.
 */
export class AlignmentNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Where the GPU instances, the load balancer and VPC functions live. */
  public readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

  public readonly logsEndpoint: ec2.InterfaceVpcEndpoint;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // Two AZs: an ALB needs two; the availability zones resolve at deploy time (Fn::GetAZs), no lookup.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('Rejected', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.logsEndpoint = this.vpc.addInterfaceEndpoint('Logs', {
      service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      subnets: this.privateSubnets,
      // Admits only the peers given to allowLogsFrom, not the whole VPC.
      open: false,
    });
  }

  /** Lets `peer` (e.g. the GPU instances, whose log driver ships the Triton container's output) reach the logs endpoint. */
  public allowLogsFrom(peer: ec2.IConnectable): void {
    this.logsEndpoint.connections.allowDefaultPortFrom(peer, 'CloudWatch Logs');
  }

  /**
   * ECR's API and registry endpoints for `peer` (the GPU instances), so an image mirrored into ECR is pulled
   * inside the VPC: its layers come from S3 through the gateway endpoint, and nothing crosses the NAT.
   */
  public addContainerRegistryEndpoints(peer: ec2.IConnectable): void {
    for (const [id, service] of [
      ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ] as const) {
      const endpoint = this.vpc.addInterfaceEndpoint(id, {
        service,
        subnets: this.privateSubnets,
        open: false,
      });
      endpoint.connections.allowDefaultPortFrom(peer, 'ECR image pulls');
    }
  }
}
