import { join } from 'node:path';
import { type CfnElement, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { AlignmentNetwork } from '../constructs/alignment-network';
import { AlignmentObservability } from '../constructs/alignment-observability';
import { AlignmentStorage } from '../constructs/alignment-storage';
import { AlignmentWorkflow } from '../constructs/alignment-workflow';
import { BulkRerun } from '../constructs/bulk-rerun';
import {
  CPU_BATCHING_WINDOW,
  CPU_IMAGE_DIR,
  CPU_TIMEOUT,
  CpuAlignFunction,
} from '../constructs/cpu-align-function';
import { acknowledge, acknowledgeStateMachineDefaults } from '../constructs/nag-findings';
import {
  type FunctionNetwork,
  METRICS_NAMESPACE,
  PipelineFunction,
  SERVICE_NAME,
  TRITON_CA_FILE,
  type TritonEndpoint,
} from '../constructs/pipeline-function';
import { parseEcrImage, type StagedModelRepository, TritonService } from '../constructs/triton-service';
import { COLD_START_READINESS, WARM_READINESS } from '../constructs/workflow-settings';
import type { StackSettings } from './stack-settings';

const ROOT = join(__dirname, '..', '..');

/** The stack's deploy-time choices (see stack-settings). */
export interface AlignmentStackProps extends StackProps {
  settings: StackSettings;
  /**
   * The model directory packaged with the Triton function for its vocabulary and geometry; default the CPU
   * image's staged copy (lambdas/align-cpu/dist/model), so both functions always describe the same model.
   */
  tritonModelDir?: string;
  /** The CPU image's build context; default the staged lambdas/align-cpu. */
  cpuImageDir?: string;
  /** Triton's model repository staged from `settings.modelDir` (cdk/stage-triton-repository); the service needs it. */
  tritonRepository?: StagedModelRepository;
}

/**
 * The whole product in one stack: storage and ingest, the CPU function, the alignment workflow (console
 * reruns), bulk reruns, dashboard and alarms; with a GPU branch also the Triton function and either an
 * existing Triton endpoint or the TritonService. Without one (no context) nothing runs or costs while idle
 * but the bucket's storage. One stack, so nothing is exported across stacks and a deploy or delete is one step.
 */
export class AlignmentStack extends Stack {
  public readonly storage: AlignmentStorage;
  public readonly cpu: CpuAlignFunction;
  /** The GPU branch's function; absent in the CPU-only stack. */
  public readonly tritonAlign: PipelineFunction | undefined;
  public readonly workflow: AlignmentWorkflow;
  public readonly network: AlignmentNetwork | undefined;
  public readonly triton: TritonService | undefined;
  public readonly rerun: BulkRerun;
  public readonly observability: AlignmentObservability;

  public constructor(scope: Construct, id: string, props: AlignmentStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.storage = new AlignmentStorage(this, 'Storage', {
      consumer: { timeout: CPU_TIMEOUT, batchingWindow: CPU_BATCHING_WINDOW },
    });

    this.cpu = new CpuAlignFunction(this, 'CpuAlign', {
      queue: this.storage.queue,
      architecture: settings.cpuArchitecture,
      memoryMb: settings.cpuMemoryMb,
      maxConcurrency: settings.cpuMaxConcurrency,
      ...(props.cpuImageDir === undefined ? {} : { imageDir: props.cpuImageDir }),
    });
    this.cpu.bindBucket(this.storage);

    let tritonUrl: string | undefined;
    if (settings.triton.kind === 'none') {
      this.cpu.refuseLargeFiles();
      this.workflow = new AlignmentWorkflow(this, 'Workflow', { cpuFunction: this.cpu.function });
    } else {
      const triton = settings.triton;
      let endpoint: TritonEndpoint;
      let network: FunctionNetwork | undefined;
      if (triton.kind === 'service') {
        if (props.tritonRepository === undefined) {
          throw new Error('the Triton service needs tritonRepository (see cdk/stage-triton-repository.ts)');
        }
        this.network = new AlignmentNetwork(this, 'Network');
        this.triton = new TritonService(this, 'Triton', {
          ...triton,
          vpc: this.network.vpc,
          subnets: this.network.privateSubnets,
          modelRepository: {
            bucket: this.storage.bucket,
            prefix: this.storage.prefixes.tritonModels,
            source: props.tritonRepository,
          },
        });
        network = {
          vpc: this.network.vpc,
          subnets: this.network.privateSubnets,
          securityGroup: new ec2.SecurityGroup(this, 'TritonClients', {
            vpc: this.network.vpc,
            description: 'Lambdas that call Triton',
          }),
        };
        this.network.allowLogsFrom(this.triton.autoScalingGroup);
        if (parseEcrImage(triton.image) !== undefined) {
          this.network.addContainerRegistryEndpoints(this.triton.autoScalingGroup);
        }
        endpoint = this.triton;
        this.acknowledgeRepositoryCopy();
      } else {
        endpoint = { url: triton.url, model: triton.model };
      }
      tritonUrl = endpoint.url;
      const tritonAlign = new PipelineFunction(this, 'TritonAlign', {
        code: {
          kind: 'nodejs',
          entry: join(ROOT, 'lambdas', 'triton-align', 'index.ts'),
          projectRoot: ROOT,
          depsLockFilePath: join(ROOT, 'package-lock.json'),
          // Tokenizing and window geometry need the model's vocab.json and config.json; Triton serves its graph.
          modelDir: props.tritonModelDir ?? join(props.cpuImageDir ?? CPU_IMAGE_DIR, 'dist', 'model'),
          ...(triton.caBundle === undefined ? {} : { caBundle: triton.caBundle }),
        },
        description: 'w2v2-align: aligns one file on Triton (GPU branch and reruns)',
        // Decoded audio (4 h = 0.9 GB of samples) and the aligner's trellis band (0.7 GB for 4 h) in memory.
        memorySize: 4096,
        timeout: Duration.minutes(15),
        architecture: lambda.Architecture.X86_64,
        network,
      });
      tritonAlign.function.addEnvironment('MODEL_DIR', '/var/task/model');
      tritonAlign.bindBucket(this.storage);
      tritonAlign.bindTriton(
        endpoint,
        triton.caBundle === undefined ? undefined : `/var/task/${TRITON_CA_FILE}`,
      );
      this.tritonAlign = tritonAlign;
      this.workflow = new AlignmentWorkflow(this, 'Workflow', {
        cpuFunction: this.cpu.function,
        triton: {
          function: tritonAlign.function,
          readiness: triton.kind === 'service' && triton.scaleToZero ? COLD_START_READINESS : WARM_READINESS,
        },
      });
      this.cpu.bindStateMachine(this.workflow);
      this.triton?.scaleWith(
        tritonAlign.function.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
      );
    }
    const aligners = [
      this.cpu.function,
      ...(this.tritonAlign === undefined ? [] : [this.tritonAlign.function]),
    ];
    acknowledgeStateMachineDefaults(this.workflow, aligners);

    this.rerun = new BulkRerun(this, 'BulkRerun', {
      bucket: this.storage.bucket,
      incomingPrefix: this.storage.prefixes.incoming,
      reportPrefix: `${this.storage.prefixes.temporary}reruns/`,
      alignFunction: this.cpu.function,
      maxConcurrency: settings.rerunMaxConcurrency,
      toleratedFailurePercentage: settings.rerunToleratedFailurePercent,
    });

    this.observability = new AlignmentObservability(this, 'Observability', {
      namespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      queue: this.storage.queue,
      deadLetterQueue: this.storage.deadLetterQueue,
      backends: this.tritonAlign === undefined ? ['cpu'] : ['cpu', 'triton'],
      functions: {
        cpu: this.cpu.function,
        ...(this.tritonAlign === undefined ? {} : { triton: this.tritonAlign.function }),
      },
      stateMachines: { alignment: this.workflow.stateMachine, bulkRerun: this.rerun.stateMachine },
      ...(this.triton === undefined
        ? {}
        : {
            triton: {
              healthy: this.triton.metricHealthyTasks(),
              unhealthy: this.triton.metricUnhealthyTasks(),
              shortfall: this.triton.metricTaskShortfall(),
              scaleToZero: settings.triton.kind === 'service' && settings.triton.scaleToZero,
            },
          }),
      ...(settings.alarmTopicArn === undefined ? {} : { alarmTopicArn: settings.alarmTopicArn }),
    });
    this.addOutputs(tritonUrl);
  }

  /** What a user needs after a deploy: where to upload, what to start, where to look. */
  private addOutputs(tritonUrl: string | undefined): void {
    const { bucket, prefixes } = this.storage;
    const outputs: Record<string, string> = {
      Bucket: bucket.bucketName,
      UploadTo: `s3://${bucket.bucketName}/${prefixes.incoming}`,
      AlignmentStateMachine: this.workflow.stateMachineArn,
      BulkRerunStateMachine: this.rerun.stateMachine.stateMachineArn,
      Dashboard: this.observability.dashboard.dashboardName,
      ...(tritonUrl === undefined ? {} : { TritonUrl: tritonUrl }),
    };
    if (this.triton !== undefined) {
      outputs.TritonModelRepository = `s3://${bucket.bucketName}/${prefixes.tritonModels}`;
      outputs.TritonCluster = this.triton.cluster.clusterName;
      outputs.TritonService = this.triton.service.serviceName;
    }
    for (const [id, value] of Object.entries(outputs)) new CfnOutput(this, id, { value });
  }

  /** cdk-nag findings on CDK's own handler that copies the model repository into the bucket at deploy. */
  private acknowledgeRepositoryCopy(): void {
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler === undefined) return;
    acknowledge(handler, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's own deploy-time handler that copies the Triton model repository into the bucket; the managed " +
          'policy only lets it write its logs.',
      },
      ...['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*'].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'The read grants CDK gives its BucketDeployment handler on the CDK asset bucket and the data bucket, ' +
          'to read the staged repository and list what it replaces.',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: "The CDK bootstrap asset bucket, from which the handler reads the staged repository's zip.",
      },
      ...[
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::<${this.getLogicalId(this.storage.bucket.node.defaultChild as CfnElement)}.Arn>/*`,
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'CDK grants the repository copy write and delete on the whole data bucket; an explicit Deny on its ' +
          'role (TritonService.publishRepository) confines writes and deletes to the triton-models/ prefix.',
      })),
      {
        id: 'AwsSolutions-L1',
        reason:
          "CDK's BucketDeployment handler runs the Python runtime CDK pins for it (with the AWS CLI layer); it " +
          'runs only during deploys.',
      },
    ]);
  }
}
