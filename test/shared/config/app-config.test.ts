import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadTritonConfig } from '../../../shared/config/app-config';
import { ConfigError } from '../../../shared/errors';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    // Act
    const config = loadConfig({});

    // Assess
    expect(config).toMatchObject({
      useTriton: false,
      tritonModel: 'w2v2',
      pipelineMaxConcurrency: 4,
      quantize: false,
      confidenceWeighting: false,
      robustMode: true,
      audioReadTimeoutSec: 10,
    });
    expect(config.s3.warmClients).toBe(2);
    expect(config.s3.allowDeletes).toBe(false);
    expect(config.s3.poolSize).toBeGreaterThanOrEqual(config.s3.warmClients);
  });

  it('leaves the inference threads to the cores unless W2V2_INFERENCE_THREADS says, and refuses a bad count', () => {
    // Act
    const unset = loadConfig({});
    const set = loadConfig({ W2V2_INFERENCE_THREADS: '6' });

    // Assess
    expect(unset.inferenceThreads).toBeUndefined();
    expect(set.inferenceThreads).toBe(6);
    expect(configError({ W2V2_INFERENCE_THREADS: '0' }).message).toBe(
      'W2V2_INFERENCE_THREADS must be an integer >= 1, got "0"',
    );
    expect(configError({ W2V2_INFERENCE_THREADS: '2.5' }).message).toMatch(
      /^W2V2_INFERENCE_THREADS must be an integer/,
    );
    expect(configError({ W2V2_INFERENCE_THREADS: '1000' }).message).toBe(
      'W2V2_INFERENCE_THREADS must be an integer from 1 to 256, got "1000"',
    );
  });

  it('reads the Triton transport settings, binary tensors by default', () => {
    // Act
    const defaults = loadConfig({}).triton;
    const set = loadConfig({
      TRITON_CA_BUNDLE: '/etc/ssl/triton-ca.pem',
      TRITON_TIMEOUT_SEC: '2.5',
      TRITON_RETRY_MAX: '6',
      TRITON_MAX_IN_FLIGHT: '3',
      TRITON_BATCH_WINDOWS: '8',
      TRITON_BINARY_DATA: 'false',
    }).triton;

    // Assess
    expect(defaults).toEqual({
      caBundlePath: undefined,
      timeoutSec: 30,
      retryMax: 4,
      maxInFlight: 2,
      batchWindows: 4,
      binaryData: true,
    });
    expect(set).toEqual({
      caBundlePath: '/etc/ssl/triton-ca.pem',
      timeoutSec: 2.5,
      retryMax: 6,
      maxInFlight: 3,
      batchWindows: 8,
      binaryData: false,
    });
  });

  it('reads aliases of the S3 retry settings', () => {
    const config = loadConfig({
      S3_MAX_RETRIES: '7',
      S3_RETRY_BACKOFF_BASE: '0.5',
      S3_RETRY_BACKOFF_MAX: '3',
    });

    expect(config.s3.retryMax).toBe(7);
    expect(config.s3.retryBaseSec).toBe(0.5);
    expect(config.s3.retryMaxBackoffSec).toBe(3);
  });

  it.each([
    [{ USE_TRITON: 'true', TRITON_URL: 'http://triton.internal:8000' }, 'TRITON_URL must be an https:// URL'],
    [{ USE_TRITON: 'true' }, 'TRITON_URL is required'],
    [{ USE_TRITON: 'maybe' }, 'USE_TRITON must be a boolean'],
    [{ PIPELINE_MAX_CONCURRENCY: 'four' }, 'PIPELINE_MAX_CONCURRENCY must be an integer'],
    [{ PIPELINE_MAX_CONCURRENCY: '0' }, 'PIPELINE_MAX_CONCURRENCY must be an integer >= 1'],
    [{ S3_RETRY_BASE: '-1' }, 'S3_RETRY_BASE must be a number >= 0'],
    [{ AUDIO_READ_TIMEOUT_SEC: '0' }, 'AUDIO_READ_TIMEOUT_SEC must be a number > 0'],
    [{ S3_WARM_CLIENTS: '9', S3_CLIENT_POOL_SIZE: '3' }, 'S3_WARM_CLIENTS (9) must not exceed'],
    [
      { S3_CLIENT_POOL_SIZE: '8', S3_MAX_CONNECTIONS: '6' },
      'S3_CLIENT_POOL_SIZE (8) must not exceed S3_MAX_CONNECTIONS (6)',
    ],
    [{ TRITON_RETRY_MAX: '0' }, 'TRITON_RETRY_MAX must be an integer >= 1'],
    [{ TRITON_TIMEOUT_SEC: '-2' }, 'TRITON_TIMEOUT_SEC must be a number > 0'],
    [{ TRITON_BINARY_DATA: 'maybe' }, 'TRITON_BINARY_DATA must be a boolean'],
  ])('fails at startup with a message naming the variable for %j', (env, message) => {
    // Act
    const error = configError(env);

    // Assess
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain(message);
  });

  it('warns about nothing when no inert setting is given', () => {
    // Act
    const { warnings } = loadConfig({
      USE_TRITON: 'true',
      TRITON_URL: 'https://t:8443',
      USE_FLOAT16: 'true',
    });

    // Assess
    expect(warnings).toEqual([]);
  });

  it('accepts CUDA_EMPTY_CACHE and S3_USE_HEAD_FOR_PROGRESS with one no-effect warning each', () => {
    // Act
    const { warnings } = loadConfig({ CUDA_EMPTY_CACHE: 'true', S3_USE_HEAD_FOR_PROGRESS: 'false' });

    // Assess
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^CUDA_EMPTY_CACHE has no effect: .*CPU provider.*Triton/);
    expect(warnings[1]).toMatch(/^S3_USE_HEAD_FOR_PROGRESS has no effect: .*Content-Length/);
  });

  it('keeps the FP16 switches for Triton but warns once that they do nothing on the CPU backend', () => {
    // Act
    const config = loadConfig({ USE_FLOAT16: 'true', USE_MIXED_PRECISION: 'true' });

    // Assess
    expect(config.float16).toBe(true);
    expect(config.mixedPrecision).toBe(true);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^USE_MIXED_PRECISION and USE_FLOAT16 have no effect without USE_TRITON=true/),
    ]);
  });

  it('requires TRITON_URL for the Triton task whatever USE_TRITON says, and reports Triton on', () => {
    // Act
    const config = loadTritonConfig({ USE_TRITON: 'false', TRITON_URL: 'https://triton.internal:8443' });
    const load = () => loadTritonConfig({});

    // Assess
    expect(config).toMatchObject({ useTriton: true, tritonUrl: 'https://triton.internal:8443' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^TRITON_URL is required/);
  });

  it('takes snake_case keys from CONFIG_FILE and lets the environment win', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ use_float16: true, use_mixed_precision: 'true', pipeline_max_concurrency: 8 }),
    );

    // Act
    const config = loadConfig({ CONFIG_FILE: file, PIPELINE_MAX_CONCURRENCY: '2' });

    // Assess
    expect(config.float16).toBe(true);
    expect(config.mixedPrecision).toBe(true);
    expect(config.pipelineMaxConcurrency).toBe(2);
  });

  it('names the file key when a CONFIG_FILE value is invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ s3_read_timeout: -5 }));

    expect(configError({ CONFIG_FILE: file }).message).toContain('s3_read_timeout (CONFIG_FILE)');
  });

  it('refuses a CONFIG_FILE that is not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'w2v2-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, '[1, 2]');

    expect(configError({ CONFIG_FILE: file }).message).toContain('must hold a JSON object');
  });

  it('uses the documented key layout and every output format but html by default', () => {
    // Act
    const { pipeline, s3 } = loadConfig({});

    // Assess
    expect(pipeline).toMatchObject({
      incomingPrefix: 'incoming/',
      resultsPrefix: 'results/',
      failedPrefix: 'failed/',
      outputFormats: ['json', 'textgrid', 'vtt', 'srt', 'ctm'],
      metricsNamespace: 'W2V2Align',
      stateMachineArn: undefined,
      resultsBucket: undefined,
    });
    expect(s3.endpoint).toBeUndefined();
  });

  it('adds the trailing slash to prefixes and always keeps the JSON result', () => {
    // Act
    const { pipeline } = loadConfig({ INCOMING_PREFIX: 'audio/in', OUTPUT_FORMATS: 'vtt, srt' });

    // Assess
    expect(pipeline.incomingPrefix).toBe('audio/in/');
    expect(pipeline.outputFormats).toEqual(['json', 'vtt', 'srt']);
  });

  it.each([
    [{ INCOMING_PREFIX: '../in' }, 'INCOMING_PREFIX'],
    [{ RESULTS_PREFIX: 'incoming/results' }, 'must not overlap'],
    [{ OUTPUT_FORMATS: 'json,docx' }, 'OUTPUT_FORMATS'],
    [{ STATE_MACHINE_ARN: 'my-machine' }, 'STATE_MACHINE_ARN'],
    [{ S3_ENDPOINT: 'localhost:4569' }, 'S3_ENDPOINT'],
    [{ LARGE_FILE_THRESHOLD_SEC: '0' }, 'LARGE_FILE_THRESHOLD_SEC'],
    [{ ACTIVITY_RETRY_MAX: '0' }, 'ACTIVITY_RETRY_MAX'],
  ])('refuses invalid pipeline settings %j naming the variable', (env, named) => {
    expect(configError(env).message).toContain(named);
  });
});
