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
import { asIBucket, asIVpc } from '../constructs/construct-interfaces';
import {
  CPU_BATCHING_WINDOW,
  CPU_IMAGE_DIR,
  CPU_TIMEOUT,
  CpuAlignFunction,
} from '../constructs/cpu-align-function';
import type { ModelSize } from '../constructs/cpu-sizing';
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
import { COLD_START_READINESS, type TritonReadiness, WARM_READINESS } from '../constructs/workflow-settings';
import type { StackSettings, TritonSettings } from './stack-settings';

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
  tritonRepository?: StagedModelRepository | undefined;
  /** The transformer of `settings.modelDir` (readModelSize), which sizes the CPU Lambda; default wav2vec2-base. */
  modelSize?: ModelSize | undefined;
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
      model: props.modelSize,
      imageDir: props.cpuImageDir,
    });
    this.cpu.bindBucket(this.storage);

    const gpu = settings.triton.kind === 'none' ? undefined : this.createGpuBranch(settings.triton, props);
    this.network = gpu?.network;
    this.triton = gpu?.service;
    this.tritonAlign = gpu?.aligner;
    this.workflow = new AlignmentWorkflow(this, 'Workflow', {
      cpuFunction: this.cpu.function,
      triton: gpu === undefined ? undefined : { function: gpu.aligner.function, readiness: gpu.readiness },
    });
    if (gpu === undefined) {
      this.cpu.refuseLargeFiles();
    } else {
      this.cpu.bindStateMachine(this.workflow);
      this.triton?.scaleWith(
        gpu.aligner.function.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
      );
    }
    acknowledgeStateMachineDefaults(this.workflow, this.aligners());

    this.rerun = new BulkRerun(this, 'BulkRerun', {
      bucket: asIBucket(this.storage.bucket),
      incomingPrefix: this.storage.prefixes.incoming,
      reportPrefix: `${this.storage.prefixes.temporary}reruns/`,
      alignFunction: this.cpu.function,
      maxConcurrency: settings.rerunMaxConcurrency,
      toleratedFailurePercentage: settings.rerunToleratedFailurePercent,
    });
    this.observability = this.createObservability(settings);
    this.addOutputs(gpu?.url);
  }

  /** The functions that align files: the CPU one, and the Triton one with a GPU branch. */
  private aligners(): lambda.Function[] {
    return [this.cpu.function, ...(this.tritonAlign === undefined ? [] : [this.tritonAlign.function])];
  }

  /**
   * The GPU branch: the Triton function bound to an existing endpoint, or to the TritonService this stack
   * runs (with its network); and how long the workflow waits for Triton to answer ready.
   */
  private createGpuBranch(
    triton: Exclude<TritonSettings, { kind: 'none' }>,
    props: AlignmentStackProps,
  ): {
    aligner: PipelineFunction;
    url: string;
    readiness: TritonReadiness;
    network?: AlignmentNetwork;
    service?: TritonService;
  } {
    if (triton.kind === 'external') {
      const endpoint = { url: triton.url, model: triton.model };
      return {
        aligner: this.createTritonFunction(triton, endpoint, undefined, props),
        url: endpoint.url,
        readiness: WARM_READINESS,
      };
    }
    if (props.tritonRepository === undefined) {
      throw new Error('the Triton service needs tritonRepository (see cdk/stage-triton-repository.ts)');
    }
    const network = new AlignmentNetwork(this, 'Network');
    const vpc = asIVpc(network.vpc);
    const service = new TritonService(this, 'Triton', {
      ...triton,
      vpc,
      subnets: network.privateSubnets,
      modelRepository: {
        bucket: asIBucket(this.storage.bucket),
        prefix: this.storage.prefixes.tritonModels,
        source: props.tritonRepository,
      },
    });
    const clients: FunctionNetwork = {
      vpc,
      subnets: network.privateSubnets,
      securityGroup: new ec2.SecurityGroup(this, 'TritonClients', {
        vpc,
        description: 'Lambdas that call Triton',
      }),
    };
    network.allowLogsFrom(service.autoScalingGroup);
    if (parseEcrImage(triton.image) !== undefined)
      network.addContainerRegistryEndpoints(service.autoScalingGroup);
    this.acknowledgeRepositoryCopy();
    return {
      aligner: this.createTritonFunction(triton, service, clients, props),
      url: service.url,
      readiness: triton.scaleToZero ? COLD_START_READINESS : WARM_READINESS,
      network,
      service,
    };
  }

  /** The Triton Lambda (a zip with the model's vocabulary and geometry), bound to the bucket and `endpoint`. */
  private createTritonFunction(
    triton: Exclude<TritonSettings, { kind: 'none' }>,
    endpoint: TritonEndpoint,
    network: FunctionNetwork | undefined,
    props: AlignmentStackProps,
  ): PipelineFunction {
    const aligner = new PipelineFunction(this, 'TritonAlign', {
      code: {
        kind: 'nodejs',
        entry: join(ROOT, 'lambdas', 'triton-align', 'index.ts'),
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        // Tokenizing and window geometry need the model's vocab.json and config.json; Triton serves its graph.
        modelDir: props.tritonModelDir ?? join(props.cpuImageDir ?? CPU_IMAGE_DIR, 'dist', 'model'),
        caBundle: triton.caBundle,
      },
      description: 'w2v2-align: aligns one file on Triton (GPU branch and reruns)',
      // Decoded audio (4 h = 0.9 GB of samples) and the aligner's trellis band (0.7 GB for 4 h) in memory.
      memorySize: 4096,
      timeout: Duration.minutes(15),
      architecture: lambda.Architecture.X86_64,
      network,
    });
    aligner.function.addEnvironment('MODEL_DIR', '/var/task/model');
    aligner.bindBucket(this.storage);
    aligner.bindTriton(endpoint, triton.caBundle === undefined ? undefined : `/var/task/${TRITON_CA_FILE}`);
    return aligner;
  }

  private createObservability(settings: StackSettings): AlignmentObservability {
    const { triton } = this;
    return new AlignmentObservability(this, 'Observability', {
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
      triton: triton && {
        healthy: triton.metricHealthyTasks(),
        unhealthy: triton.metricUnhealthyTasks(),
        shortfall: triton.metricTaskShortfall(),
        scaleToZero: settings.triton.kind === 'service' && settings.triton.scaleToZero,
      },
      alarmTopicArn: settings.alarmTopicArn,
    });
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
