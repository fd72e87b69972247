import { join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { AlignmentNetwork } from '../constructs/alignment-network';
import { AlignmentObservability } from '../constructs/alignment-observability';
import { AlignmentStorage } from '../constructs/alignment-storage';
import { AlignmentWorkflow } from '../constructs/alignment-workflow';
import { BulkRerun } from '../constructs/bulk-rerun';
import { CPU_IMAGE_DIR, CPU_TIMEOUT, CpuAlignFunction } from '../constructs/cpu-align-function';
import { acknowledgeStateMachineDefaults } from '../constructs/nag-findings';
import {
  type FunctionNetwork,
  METRICS_NAMESPACE,
  PipelineFunction,
  SERVICE_NAME,
  TRITON_CA_FILE,
  type TritonEndpoint,
} from '../constructs/pipeline-function';
import { TritonService } from '../constructs/triton-service';
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
}

/**
 * The whole product in one stack: storage and ingest, the CPU function, the GPU branch (Triton function,
 * workflow, and either an existing Triton endpoint or the TritonService), bulk reruns, dashboard and alarms.
 * One stack, so nothing is exported across stacks and a deploy or delete is one step.
 */
export class AlignmentStack extends Stack {
  public readonly storage: AlignmentStorage;
  public readonly cpu: CpuAlignFunction;
  public readonly tritonAlign: PipelineFunction;
  public readonly workflow: AlignmentWorkflow;
  public readonly network: AlignmentNetwork | undefined;
  public readonly triton: TritonService | undefined;
  public readonly rerun: BulkRerun;
  public readonly observability: AlignmentObservability;

  public constructor(scope: Construct, id: string, props: AlignmentStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.storage = new AlignmentStorage(this, 'Storage', { consumerTimeout: CPU_TIMEOUT });

    this.cpu = new CpuAlignFunction(this, 'CpuAlign', {
      queue: this.storage.queue,
      architecture: settings.cpuArchitecture,
      memoryMb: settings.cpuMemoryMb,
      maxConcurrency: settings.cpuMaxConcurrency,
    });
    this.cpu.bindBucket(this.storage);

    let endpoint: TritonEndpoint;
    let network: FunctionNetwork | undefined;
    if (settings.triton.kind === 'service') {
      this.network = new AlignmentNetwork(this, 'Network');
      this.triton = new TritonService(this, 'Triton', {
        ...settings.triton,
        vpc: this.network.vpc,
        subnets: this.network.privateSubnets,
        modelRepository: { bucket: this.storage.bucket, prefix: this.storage.prefixes.tritonModels },
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
      endpoint = this.triton;
    } else {
      endpoint = { url: settings.triton.url, model: settings.triton.model };
    }

    this.tritonAlign = new PipelineFunction(this, 'TritonAlign', {
      code: {
        kind: 'nodejs',
        entry: join(ROOT, 'lambdas', 'triton-align', 'index.ts'),
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        // The shared pipeline imports onnxruntime-node at load time, so the package must hold it.
        onnxRuntime: 'x64',
        // Tokenizing and window geometry need the model's vocab.json and config.json; Triton serves its graph.
        modelDir: props.tritonModelDir ?? join(CPU_IMAGE_DIR, 'dist', 'model'),
        ...(settings.triton.caBundle === undefined ? {} : { caBundle: settings.triton.caBundle }),
      },
      description: 'w2v2-align: aligns one file on Triton (GPU branch and reruns)',
      // Decoded audio (4 h = 0.9 GB of samples) and the aligner's trellis band (0.7 GB for 4 h) in memory.
      memorySize: 4096,
      timeout: Duration.minutes(15),
      architecture: lambda.Architecture.X86_64,
      network,
    });
    this.tritonAlign.function.addEnvironment('MODEL_DIR', '/var/task/model');
    this.tritonAlign.bindBucket(this.storage);
    this.tritonAlign.bindTriton(
      endpoint,
      settings.triton.caBundle === undefined ? undefined : `/var/task/${TRITON_CA_FILE}`,
    );

    this.workflow = new AlignmentWorkflow(this, 'Workflow', {
      tritonFunction: this.tritonAlign.function,
      cpuFunction: this.cpu.function,
      // From zero, a GPU instance, the image pull and the model load take up to ~15 minutes: retry that long.
      ...(settings.triton.kind === 'service' && settings.triton.scaleToZero
        ? { retry: { maxAttempts: 7, maxDelaySeconds: 300 } }
        : {}),
    });
    this.cpu.bindStateMachine(this.workflow);
    acknowledgeStateMachineDefaults(this.workflow, [this.cpu.function, this.tritonAlign.function]);
    this.triton?.scaleWith(
      this.tritonAlign.function.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
    );

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
      functions: { cpu: this.cpu.function, triton: this.tritonAlign.function },
      stateMachines: { alignment: this.workflow.stateMachine, bulkRerun: this.rerun.stateMachine },
      ...(this.triton === undefined
        ? {}
        : {
            triton: {
              healthy: this.triton.metricHealthyTasks(),
              unhealthy: this.triton.metricUnhealthyTasks(),
              scaleToZero: settings.triton.kind === 'service' && settings.triton.scaleToZero,
            },
          }),
      ...(settings.alarmTopicArn === undefined ? {} : { alarmTopicArn: settings.alarmTopicArn }),
    });
    this.addOutputs(endpoint);
  }

  /** What a user needs after a deploy: where to upload, what to start, where to look. */
  private addOutputs(endpoint: TritonEndpoint): void {
    const { bucket, prefixes } = this.storage;
    const outputs: Record<string, string> = {
      Bucket: bucket.bucketName,
      UploadTo: `s3://${bucket.bucketName}/${prefixes.incoming}`,
      AlignmentStateMachine: this.workflow.stateMachineArn,
      BulkRerunStateMachine: this.rerun.stateMachine.stateMachineArn,
      Dashboard: this.observability.dashboard.dashboardName,
      TritonUrl: endpoint.url,
    };
    if (this.triton !== undefined) {
      outputs.TritonModelRepository = `s3://${bucket.bucketName}/${prefixes.tritonModels}`;
      outputs.TritonCluster = this.triton.cluster.clusterName;
      outputs.TritonService = this.triton.service.serviceName;
    }
    for (const [id, value] of Object.entries(outputs)) new CfnOutput(this, id, { value });
  }
}
