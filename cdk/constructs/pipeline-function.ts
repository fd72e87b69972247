import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AlignmentStorage } from './alignment-storage';
import type { AlignmentWorkflow } from './alignment-workflow';
import { acknowledge, arnWildcard } from './nag-findings';

/** The pipeline's `service` name (shared/pipeline SERVICE_NAME): the metrics' dimension and the logs' service. */
export const SERVICE_NAME = 'w2v2-align';
/** The pipeline's default metrics namespace (docs/metrics.md#namespace-and-dimensions). */
export const METRICS_NAMESPACE = 'W2V2Align';

/**
 * What Lambda needs of the execution role to place a function in a VPC (the actions of the
 * AWSLambdaVPCAccessExecutionRole managed policy, without its log grants: this role has its own).
 */
export const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/** Where a packaged Triton CA bundle lands in a zip function (Lambda unpacks it to /var/task). */
export const TRITON_CA_FILE = 'triton-ca.pem';

/** How a pipeline function's code is packaged. */
export type PipelineCode =
  | { kind: 'image'; code: lambda.DockerImageCode }
  | {
      kind: 'nodejs';
      entry: string;
      projectRoot: string;
      depsLockFilePath: string;
      /** A model directory copied into the package as `model/` (set MODEL_DIR to /var/task/model). */
      modelDir?: string;
      /** A PEM file copied into the package as `triton-ca.pem` (see bindTriton); none when absent. */
      caBundle?: string | undefined;
    };

/** A network placement for functions that must reach something inside a VPC. */
export interface FunctionNetwork {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroup: ec2.ISecurityGroup;
}

/** A Triton endpoint a function can be bound to. */
export interface TritonEndpoint {
  /** `https://...`, as TRITON_URL requires. */
  url: string;
  model: string;
  /** Opens the network path from the function to the endpoint, when it lives in this stack. */
  allowFrom?(peer: ec2.IConnectable): void;
}

/** What differs between the pipeline's functions; everything else is the defaults this construct holds. */
export interface PipelineFunctionProps {
  code: PipelineCode;
  description: string;
  memorySize: number;
  timeout: Duration;
  architecture: lambda.Architecture;
  ephemeralStorageSize?: number;
  /** Where in a VPC the function runs; outside any VPC when absent. */
  network?: FunctionNetwork | undefined;
  logRetention?: logs.RetentionDays;
}

/**
 * One of the pipeline's Lambda functions with the shared defaults (Powertools settings, a JSON-format log
 * group with retention, X-Ray tracing, a role that may only write its own logs), and `bind…` methods that
 * grant an access and set the environment variable the handler reads for it, in one call.
 */
export class PipelineFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy, whose logs grant covers every group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.network !== undefined) {
      // Lambda creates the function's network interfaces with the execution role and checks these actions
      // when the function is created; CDK adds them only to roles it creates itself, not to this one.
      this.role.addToPolicy(new iam.PolicyStatement({ actions: [...VPC_ACCESS_ACTIONS], resources: ['*'] }));
    }
    const common = {
      description: props.description,
      role: this.role,
      memorySize: props.memorySize,
      timeout: props.timeout,
      architecture: props.architecture,
      // CDK's props take no explicit undefined: an absent size leaves Lambda's default.
      ...(props.ephemeralStorageSize === undefined
        ? {}
        : { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageSize) }),
      logGroup: this.logGroup,
      // Platform lines (START/REPORT) become JSON too, so one Logs Insights query reads every line; Powertools
      // writes its JSON logs and EMF straight to stdout, which this format passes through unchanged.
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_LOG_LEVEL: 'INFO',
        METRICS_NAMESPACE,
      },
      ...(props.network === undefined
        ? {}
        : {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: [props.network.securityGroup],
          }),
    };
    this.function = createFunction(this, props.code, common);
    this.suppressPlatformFindings(props);
  }

  /**
   * Reads audio and transcripts under the incoming prefix, reads and writes results and failure records,
   * and sets the prefixes and RESULTS_BUCKET the pipeline reads.
   */
  public bindBucket(storage: AlignmentStorage): void {
    const { bucket, prefixes } = storage;
    const objects = (prefix: string): string => bucket.arnForObjects(`${prefix}*`);
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(prefixes.incoming)] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // GetObject also answers the HEAD that decides whether a result is up to date.
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [objects(prefixes.results), objects(prefixes.failed)],
      }),
    );
    this.role.addToPolicy(
      // Without it a HEAD of a missing transcript answers 403 instead of 404; also the cold-start HeadBucket.
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    this.function.addEnvironment('INCOMING_PREFIX', prefixes.incoming);
    this.function.addEnvironment('RESULTS_PREFIX', prefixes.results);
    this.function.addEnvironment('FAILED_PREFIX', prefixes.failed);
    this.function.addEnvironment('RESULTS_BUCKET', bucket.bucketName);
    const bucketResource = bucket.node.defaultChild as s3.CfnBucket;
    acknowledge(
      this.role,
      [prefixes.incoming, prefixes.results, prefixes.failed].map((prefix) => ({
        id: `AwsSolutions-IAM5[${arnWildcard(bucketResource, `/${prefix}*`)}]`,
        reason:
          `Object keys under ${prefix} are user file names not known at deploy time; the wildcard is ` +
          'confined to that prefix of the one data bucket.',
      })),
    );
  }

  /**
   * Hands files above the large-file thresholds (or asking for Triton) to the workflow's GPU branch: sets
   * STATE_MACHINE_ARN and LARGE_FILE_POLICY=handoff, and may start and describe its executions.
   */
  public bindStateMachine(workflow: AlignmentWorkflow): void {
    workflow.bindStarter(this.function);
    this.function.addEnvironment('LARGE_FILE_POLICY', 'handoff');
  }

  /**
   * Without a GPU branch, a file above the large-file thresholds (or asking for Triton) fails with a record
   * that names the limit and how to enable the GPU branch (LARGE_FILE_POLICY=refuse).
   */
  public refuseLargeFiles(): void {
    this.function.addEnvironment('LARGE_FILE_POLICY', 'refuse');
  }

  /**
   * Sends inference to Triton: USE_TRITON, TRITON_URL, TRITON_MODEL, the network path to it, and
   * TRITON_CA_BUNDLE when its certificate comes from a private CA (a PEM file inside the function).
   */
  public bindTriton(endpoint: TritonEndpoint, caBundlePath?: string): void {
    this.function.addEnvironment('USE_TRITON', 'true');
    this.function.addEnvironment('TRITON_URL', endpoint.url);
    this.function.addEnvironment('TRITON_MODEL', endpoint.model);
    if (caBundlePath !== undefined) this.function.addEnvironment('TRITON_CA_BUNDLE', caBundlePath);
    endpoint.allowFrom?.(this.function);
  }

  private suppressPlatformFindings(props: PipelineFunctionProps): void {
    acknowledge(this.role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords support no resource-level ' +
          'permissions) and, for a VPC function, the network-interface actions Lambda calls with this role on ' +
          'interfaces it creates at run time, granted on "*" as in the AWSLambdaVPCAccessExecutionRole policy.',
      },
    ]);
    if (props.code.kind !== 'image') {
      acknowledge(this.function, [
        {
          id: 'AwsSolutions-L1',
          reason:
            'Node.js 22 on purpose: the CPU function runs the same code on the nodejs:22 image, and one Node ' +
            'major across the pipeline keeps its behaviour and the bundle target identical.',
        },
      ]);
    }
  }
}

type CommonFunctionProps = Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime'>;

function createFunction(scope: Construct, code: PipelineCode, common: CommonFunctionProps): lambda.Function {
  switch (code.kind) {
    case 'image':
      return new lambda.DockerImageFunction(scope, 'Function', { ...common, code: code.code });
    case 'nodejs':
      return new nodejs.NodejsFunction(scope, 'Function', {
        ...common,
        runtime: lambda.Runtime.NODEJS_22_X,
        entry: code.entry,
        projectRoot: code.projectRoot,
        depsLockFilePath: code.depsLockFilePath,
        bundling: {
          target: 'node22',
          format: nodejs.OutputFormat.CJS,
          minify: true,
          keepNames: true,
          sourceMap: false,
          // The SDK is bundled, not taken from the runtime: the pipeline is tested against the locked versions.
          externalModules: [],
          commandHooks: packageFilesHooks(code),
        },
      });
  }
}

/** Files esbuild cannot put in the bundle, copied in after it: the model directory and a Triton CA bundle. */
function packageFilesHooks(code: Extract<PipelineCode, { kind: 'nodejs' }>): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      ...(code.modelDir === undefined ? [] : [`cp -R "${code.modelDir}" "${outputDir}/model"`]),
      ...(code.caBundle === undefined ? [] : [`cp "${code.caBundle}" "${outputDir}/${TRITON_CA_FILE}"`]),
    ],
  };
}
