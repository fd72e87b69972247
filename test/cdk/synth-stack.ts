import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StagedModelRepository } from '../../cdk/constructs/triton-service';
import { AlignmentStack } from '../../cdk/stacks/alignment-stack';
import { readModelSize, readStackSettings } from '../../cdk/stacks/stack-settings';
import { stageTritonRepository } from '../../cdk/stage-triton-repository';

/** Context of a stack with the TritonService (placeholder certificate and name). */
export const SERVICE_CONTEXT = {
  tritonCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  tritonDomainName: 'triton.internal.example.com',
} as const;

/** Context of a stack that uses an existing Triton endpoint. */
export const EXTERNAL_CONTEXT = { tritonUrl: 'https://triton.example.com:8443' } as const;

/** The feature flags and defaults `npx cdk synth` runs with. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

/** A synthesized stack, its template and cdk-nag's AwsSolutions report on it. */
export interface SynthesizedStack {
  stack: AlignmentStack;
  template: Template;
  nag: PolicyValidationPluginReport;
}

let staged: Promise<StagedModelRepository> | undefined;

/** The demo model's Triton repository, staged once per test process as cdk/app.ts stages it for a deploy. */
export function stagedRepository(): Promise<StagedModelRepository> {
  staged ??= (async () => {
    const settings = readStackSettings(new App().node);
    return stageTritonRepository(settings.modelDir, 'w2v2', mkdtempSync(join(tmpdir(), 'w2v2-repository-')));
  })();
  return staged;
}

/**
 * Builds the stack as cdk/app.ts does, but without bundling the Triton function or copying the CPU image's
 * folder (both cost seconds and neither changes the template's shape), and runs cdk-nag on it.
 */
export async function synthStack(
  context: Record<string, unknown>,
  options: { cpuImageDir?: string } = {},
): Promise<SynthesizedStack> {
  const app = new App({
    context: {
      ...CDK_JSON_CONTEXT,
      ...context,
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:disable-asset-staging': true,
    },
  });
  const settings = readStackSettings(app.node);
  const stack = new AlignmentStack(app, settings.stackName, {
    settings,
    ...options,
    tritonRepository: settings.triton.kind === 'service' ? await stagedRepository() : undefined,
    modelSize: await readModelSize(settings.modelDir),
  });
  const template = Template.fromStack(stack);
  const nag = new AwsSolutionsChecks().validateScope(app);
  return { stack, template, nag };
}
