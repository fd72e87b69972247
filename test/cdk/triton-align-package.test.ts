/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AlignmentStack } from '../../cdk/stacks/alignment-stack';
import { readStackSettings } from '../../cdk/stacks/stack-settings';
import { startTritonDevServer, type TritonDevServer } from '../../cli/triton-dev-server/dev-server';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../tools/local-s3/local-s3-server';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../helpers/demo-model';
import { parseJsonObject } from '../helpers/json-object';
import { runNode } from '../helpers/run-node';
import { startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';
import { resolvedEnvironment } from './placeholder-values';
import { CDK_JSON_CONTEXT, EXTERNAL_CONTEXT } from './synth-stack';

describe('triton-align Lambda package', () => {
  let outdir: string;
  let packageDir: string;
  let environment: Record<string, string>;
  let s3: LocalS3;
  let bucket: string;
  let triton: TritonDevServer;

  beforeAll(async () => {
    [{ s3, bucket }, triton] = await Promise.all([
      startTestS3('zip-bucket'),
      startTritonDevServer({ modelDir: DEMO_MODEL_DIR }),
    ]);
    outdir = mkdtempSync(join(tmpdir(), 'w2v2-cdk-'));
    // The dev server's self-signed certificate plays a private CA's: the package must carry it.
    const caFile = join(outdir, 'private-ca.pem');
    writeFileSync(caFile, triton.ca);
    // A real synth of the Triton function's zip (local esbuild and the after-bundling copies), as deployed.
    const app = new App({
      outdir,
      context: { ...CDK_JSON_CONTEXT, ...EXTERNAL_CONTEXT, tritonCaBundle: caFile },
    });
    const stack = new AlignmentStack(app, 'W2V2Align', {
      settings: readStackSettings(app.node),
      tritonModelDir: DEMO_MODEL_DIR,
    });
    const template = app.synth().getStackByName(stack.stackName).template;
    const { Properties } =
      template.Resources[stack.getLogicalId(stack.tritonAlign!.function.node.defaultChild as CfnFunction)];
    packageDir = join(outdir, `asset.${(Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
    environment = resolvedEnvironment(Properties);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([s3?.close(), triton?.close()]);
    if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
  });

  it('holds the bundle and the model description, and no onnxruntime-node', () => {
    // Act
    const top = readdirSync(packageDir).sort();
    const bundle = readFileSync(join(packageDir, 'index.js'), 'utf8');

    // Assess
    expect(top).toEqual(['index.js', 'model', 'triton-ca.pem']);
    expect(bundle).not.toMatch(/onnxruntime-(node|common)/);
    expect(readdirSync(join(packageDir, 'model'))).toEqual(
      expect.arrayContaining(['config.json', 'vocab.json', 'model.onnx']),
    );
    expect(environment.MODEL_DIR).toBe('/var/task/model');
    expect(environment.TRITON_CA_BUNDLE).toBe('/var/task/triton-ca.pem');
  });

  it('aligns a rerun on Triton when its handler runs from the package alone', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);
    const sample = join(SAMPLES_DIR, 'puppy-tail');
    await store.put(bucket, 'incoming/zip/puppy.wav', readFileSync(`${sample}.wav`), {
      contentType: 'audio/wav',
    });
    await store.put(bucket, 'incoming/zip/puppy.txt', readFileSync(`${sample}.txt`), {
      contentType: 'text/plain',
    });
    const responseFile = join(outdir, 'response.json');
    const runner =
      'const { handler } = require(process.env.HANDLER_FILE);' +
      'let input = "";' +
      'process.stdin.on("data", (chunk) => { input += chunk; }).on("end", async () => {' +
      '  const response = await handler(JSON.parse(input));' +
      '  require("node:fs").writeFileSync(process.env.RESPONSE_FILE, JSON.stringify(response));' +
      '});';

    // Act
    await runNode(runner, JSON.stringify({ bucket, key: 'incoming/zip/puppy.wav' }), {
      cwd: packageDir,
      env: {
        PATH: process.env.PATH,
        // The deployed environment, with the package where Lambda unpacks it and this test's endpoints.
        ...Object.fromEntries(
          Object.entries(environment).map(([name, value]) => [
            name,
            value.replace(/^\/var\/task\//, `${packageDir}/`),
          ]),
        ),
        RESULTS_BUCKET: bucket,
        TRITON_URL: triton.url,
        S3_ENDPOINT: s3.endpoint,
        AWS_REGION: LOCAL_S3_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        HANDLER_FILE: join(packageDir, 'index.js'),
        RESPONSE_FILE: responseFile,
      },
    });
    const response = JSON.parse(readFileSync(responseFile, 'utf8'));
    const result = await store.readText(bucket, 'results/zip/puppy.json', 1 << 20);
    pool.destroy();

    // Assess
    expect(response).toMatchObject({ status: 'succeeded', key: 'incoming/zip/puppy.wav' });
    expect(parseJsonObject('results/zip/puppy.json', result?.text)).toMatchObject({
      mode: 'align',
      model: { name: 'demo-en', backend: 'triton' },
    });
    expect(triton.requests).toBeGreaterThan(0);
  }, 150_000);
});
