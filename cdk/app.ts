#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlignmentStack } from './stacks/alignment-stack';
import { readStackSettings } from './stacks/stack-settings';
import { stageCpuImage } from './stage-cpu-image';

const app = new App();
const settings = readStackSettings(app.node);
stageCpuImage(settings.cpuArchitecture);
new AlignmentStack(app, app.node.tryGetContext('stackName') ?? 'W2V2Align', {
  settings,
  description: 'w2v2-align: wav2vec2 CTC forced alignment of audio dropped into S3',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
