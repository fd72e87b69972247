import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDK_JSON_CONTEXT } from './synth-stack';

const ROOT = join(__dirname, '..', '..');

/** Runs cdk/app.ts as the CDK CLI runs it: cdk.json's context and `context` in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function runApp(
  context: Record<string, unknown>,
  outdir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'cdk', 'app.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, ...context }),
          CDK_OUTDIR: outdir,
        },
        timeout: 240_000,
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

describe('cdk/app.ts', () => {
  let outdir: string;

  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'w2v2-app-'));
  });

  afterEach(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an http:// tritonUrl',
      { tritonUrl: 'http://triton.example.com' },
      /^error CONFIG: tritonUrl must be an https:\/\/ URL/,
    ],
    [
      'a misspelt key',
      { tritonurl: 'https://triton.example.com' },
      /^error CONFIG: unknown context key "tritonurl"; did you mean tritonUrl\?$/,
    ],
    [
      'half of the Triton service',
      { tritonDomainName: 'triton.example.com' },
      /^error CONFIG: tritonCertificateArn is required/,
    ],
    [
      'a CPU Lambda too small for a batch of base-model files',
      { cpuMemoryMb: '1769' },
      /^error CONFIG: cpuMemoryMb must be at least 2055 to hold a batch of 4 one-minute files .*, got 1769$/,
    ],
  ])('answers %s with one line naming the key, and no stack trace', async (_label, context, line) => {
    // Act
    const run = await runApp(context, outdir);

    // Assess
    const lines = run.stderr
      .split('\n')
      .filter((text) => text.trim() !== '' && !text.includes('NodeVersionSupportWarning'));
    expect(run.code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('synthesizes the CPU-only stack with no context at all', async () => {
    // Act
    const run = await runApp({}, outdir);

    // Assess
    expect(run.code).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'W2V2Align.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = new Set(Object.values(template.Resources).map((resource) => resource.Type));
    expect(types).toContain('AWS::StepFunctions::StateMachine');
    expect(types).toContain('AWS::Lambda::EventSourceMapping');
    expect([...types].filter((type) => /^AWS::(EC2::VPC|ECS::|ElasticLoadBalancingV2::)/.test(type))).toEqual(
      [],
    );
  }, 240_000);
});
