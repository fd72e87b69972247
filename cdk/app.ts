#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlignError } from '../shared/errors';
import { AlignmentStack } from './stacks/alignment-stack';
import { readModelSize, readStackSettings } from './stacks/stack-settings';
import { stageCpuImage } from './stage-cpu-image';
import { stageTritonRepository } from './stage-triton-repository';

/** Builds the app from its context; `npx cdk synth` with no context gives the CPU-only stack. */
async function main(): Promise<void> {
  const app = new App();
  const settings = readStackSettings(app.node);
  stageCpuImage(settings.cpuArchitecture, settings.modelDir);
  const tritonRepository =
    settings.triton.kind === 'service'
      ? await stageTritonRepository(settings.modelDir, settings.triton.model)
      : undefined;
  new AlignmentStack(app, settings.stackName, {
    settings,
    tritonRepository,
    modelSize: await readModelSize(settings.modelDir),
    description: 'w2v2-align: wav2vec2 CTC forced alignment of audio dropped into S3',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

// A bad context value is the user's to fix: one line naming the key, no stack trace.
main().catch((error: unknown) => {
  if (!(error instanceof AlignError)) throw error;
  process.stderr.write(`error ${error.code}: ${error.message}\n`);
  process.exitCode = 1;
});
