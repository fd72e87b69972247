import { App } from 'aws-cdk-lib';
import { DEFAULT_TRITON_IMAGE, DEMO_MODEL_DIR, readStackSettings } from '../../cdk/stacks/stack-settings';
import { ConfigError } from '../../shared/errors';
import { EXTERNAL_CONTEXT, SERVICE_CONTEXT } from './synth-stack';

function settings(context: Record<string, unknown>) {
  return readStackSettings(new App({ context }).node);
}

describe('readStackSettings', () => {
  it('gives a CPU-only stack of the demo model with no context at all', () => {
    // Act
    const read = settings({});

    // Assess
    expect(read).toEqual({
      stackName: 'W2V2Align',
      triton: { kind: 'none' },
      modelDir: DEMO_MODEL_DIR,
      cpuArchitecture: 'x86_64',
      cpuMemoryMb: 10240,
      cpuMaxConcurrency: 10,
      rerunMaxConcurrency: 20,
      rerunToleratedFailurePercent: 10,
      alarmTopicArn: undefined,
    });
  });

  it('defaults the Triton service to a scale-to-zero g5.xlarge', () => {
    // Prepare
    const context = { ...SERVICE_CONTEXT };

    // Act
    const read = settings(context);

    // Assess
    expect(read).toMatchObject({
      triton: {
        kind: 'service',
        model: 'w2v2',
        caBundle: undefined,
        certificateArn: SERVICE_CONTEXT.tritonCertificateArn,
        domainName: SERVICE_CONTEXT.tritonDomainName,
        instanceType: 'g5.xlarge',
        scaleToZero: true,
        maxInstances: 2,
        image: DEFAULT_TRITON_IMAGE,
      },
    });
  });

  it('uses an existing endpoint when tritonUrl is given, without a trailing slash', () => {
    // Prepare
    const context = { tritonUrl: `${EXTERNAL_CONTEXT.tritonUrl}/`, tritonModel: 'w2v2-large' };

    // Act
    const read = settings(context);

    // Assess
    expect(read.triton).toEqual({
      kind: 'external',
      url: EXTERNAL_CONTEXT.tritonUrl,
      model: 'w2v2-large',
      caBundle: undefined,
    });
  });

  it('reads -c strings and cdk.json values alike', () => {
    // Prepare
    const fromCli = { ...SERVICE_CONTEXT, tritonScaleToZero: 'false', cpuMemoryMb: '4096' };
    const fromJson = { ...SERVICE_CONTEXT, tritonScaleToZero: false, cpuMemoryMb: 4096 };

    // Act
    const [cli, json] = [settings(fromCli), settings(fromJson)];

    // Assess
    expect(cli).toEqual(json);
    expect(cli.cpuMemoryMb).toBe(4096);
    expect(cli.triton).toMatchObject({ scaleToZero: false });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a service key without the service',
      { tritonScaleToZero: 'false' },
      /^tritonScaleToZero configures the GPU branch, which is off; enable it with -c tritonUrl=/,
    ],
    [
      'a certificate without a name',
      { tritonCertificateArn: SERVICE_CONTEXT.tritonCertificateArn },
      /^tritonDomainName is required with tritonCertificateArn/,
    ],
    [
      'a name without a certificate',
      { tritonDomainName: 'triton.internal.example.com' },
      /^tritonCertificateArn is required with tritonDomainName/,
    ],
    [
      'both an endpoint and the service',
      { ...SERVICE_CONTEXT, ...EXTERNAL_CONTEXT },
      /^tritonUrl .* exclude each other/,
    ],
    [
      'a misspelt key',
      { tritonurl: 'https://triton.example.com' },
      /^unknown context key "tritonurl"; did you mean tritonUrl\?$/,
    ],
    [
      'the old name of the certificate key',
      { certificateArn: SERVICE_CONTEXT.tritonCertificateArn },
      /did you mean tritonCertificateArn\?/,
    ],
    [
      'a model folder without a model',
      { modelDir: 'samples' },
      /^modelDir must be a wav2vec2 CTC model directory .* "samples" has no config.json, vocab.json, model.onnx or model.int8.onnx$/,
    ],
    ['a stack name with a space', { stackName: 'my stack' }, /^stackName must start with a letter/],
    [
      'an http:// tritonUrl',
      { tritonUrl: 'http://triton.example.com' },
      /tritonUrl must be an https:\/\/ URL/,
    ],
    [
      'a certificate that is no ACM ARN',
      { ...SERVICE_CONTEXT, tritonCertificateArn: 'my-cert' },
      /tritonCertificateArn must be an ACM certificate ARN/,
    ],
    [
      'a URL as domain name',
      { ...SERVICE_CONTEXT, tritonDomainName: 'https://x' },
      /tritonDomainName must be a DNS name/,
    ],
    [
      'a non-g5/g6 instance type',
      { ...SERVICE_CONTEXT, tritonInstanceType: 'p3.2xlarge' },
      /tritonInstanceType must be a g5, g6 or g6e/,
    ],
    [
      'a non-boolean scale-to-zero',
      { ...SERVICE_CONTEXT, tritonScaleToZero: 'maybe' },
      /tritonScaleToZero must be true or false/,
    ],
    [
      'zero instances',
      { ...SERVICE_CONTEXT, tritonMaxInstances: '0' },
      /tritonMaxInstances must be a whole number from 1 to 20/,
    ],
    [
      '512 MB of CPU memory',
      { ...SERVICE_CONTEXT, cpuMemoryMb: '512' },
      /cpuMemoryMb must be a whole number from 1769 to 10240/,
    ],
    [
      'a max concurrency of 1',
      { ...SERVICE_CONTEXT, cpuMaxConcurrency: '1' },
      /cpuMaxConcurrency must be a whole number from 2 to 1000/,
    ],
    [
      'amd64 as architecture',
      { ...SERVICE_CONTEXT, cpuArchitecture: 'amd64' },
      /cpuArchitecture must be x86_64 or arm64/,
    ],
    [
      'an e-mail address as alarm topic',
      { ...SERVICE_CONTEXT, alarmTopicArn: 'ops@example.com' },
      /alarmTopicArn must be an SNS topic ARN/,
    ],
  ])('rejects %s, naming the context key', (_label, context, message) => {
    // Prepare
    const read = () => settings(context);

    // Act
    let error: unknown;
    try {
      read();
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
  });
});
