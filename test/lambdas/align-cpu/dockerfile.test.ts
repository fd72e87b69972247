import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { IgnoreStrategy } from 'aws-cdk-lib';
import type { S3Event } from 'aws-lambda';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { parseJsonObject } from '../../helpers/json-object';
import { runNode } from '../../helpers/run-node';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import {
  copyInstructions,
  dockerfileEnvironment,
  expandTaskRoot,
  IMAGE_DIR,
  type Instruction,
  readDockerfile,
} from './dockerfile-instructions';

const ROOT = join(IMAGE_DIR, '..', '..');
const SAMPLE = join(ROOT, 'samples', 'puppy-tail');

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string): void => {
    for (const entry of require('node:fs').readdirSync(at, {
      withFileTypes: true,
    }) as import('node:fs').Dirent[]) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

/**
 * Copies what the Dockerfile's COPY lines copy from the build context into `taskRoot` (the image's
 * LAMBDA_TASK_ROOT), honouring .dockerignore as `docker build` does: a source it excludes is an error.
 */
function stageImage(instructions: Instruction[], taskRoot: string): void {
  const ignorePatterns = readFileSync(join(IMAGE_DIR, '.dockerignore'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const ignore = IgnoreStrategy.docker(IMAGE_DIR, ignorePatterns);
  for (const { sources, destination } of copyInstructions(instructions)) {
    const target = expandTaskRoot(destination, taskRoot);
    for (const source of sources) {
      const from = join(IMAGE_DIR, source);
      if (!existsSync(from)) throw new Error(`COPY ${source}: not in the build context (was the build run?)`);
      if (statSync(from).isDirectory()) {
        cpSync(from, target, { recursive: true, filter: (path) => !ignore.ignores(path) });
      } else {
        if (ignore.ignores(from)) throw new Error(`COPY ${source}: excluded by .dockerignore`);
        const to = target.endsWith('/') ? join(target, basename(source)) : target;
        mkdirSync(join(to, '..'), { recursive: true });
        cpSync(from, to);
      }
    }
  }
}

describe('align-cpu container image', () => {
  const instructions = readDockerfile();
  let taskRoot: string;
  let s3: LocalS3;
  let bucket: string;
  let events: S3Event[];

  beforeAll(async () => {
    // The same build the deploy runs (cdk/app.ts): esbuild bundle, pruned onnxruntime, `w2v2-align quantize`.
    execFileSync(process.execPath, [join(ROOT, 'tools', 'build-lambda.mjs')], {
      env: { ...process.env, W2V2_LAMBDA_ARCH: 'x64', W2V2_MODEL_DIR: '' },
      stdio: 'pipe',
    });
    taskRoot = mkdtempSync(join(tmpdir(), 'w2v2-image-'));
    stageImage(instructions, taskRoot);
    ({ s3, bucket, events } = await startTestS3('image-bucket'));
  }, 180_000);

  afterAll(async () => {
    await s3?.close();
    if (taskRoot !== undefined) rmSync(taskRoot, { recursive: true, force: true });
  });

  it('builds on the Lambda Node.js 22 base image with both int8 variants of the model and one Linux binary set', () => {
    // Prepare
    const keywords = instructions.map((instruction) => instruction.keyword);

    // Act
    const files = listFiles(taskRoot);

    // Assess
    expect(instructions[0]).toEqual({ keyword: 'FROM', args: 'public.ecr.aws/lambda/nodejs:22' });
    expect(keywords.filter((keyword) => keyword === 'FROM')).toHaveLength(1);
    expect(instructions.at(-1)).toEqual({ keyword: 'CMD', args: '["index.handler"]' });
    expect(dockerfileEnvironment(instructions, '/var/task')).toEqual({
      W2V2_QUANTIZE: 'true',
      MODEL_DIR: '/var/task/model',
    });
    expect(files).toEqual(
      expect.arrayContaining([
        'index.js',
        'model/config.json',
        'model/model.int8.onnx',
        'model/model.int8-dot.onnx',
        'model/vocab.json',
        'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
        'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      ]),
    );
    expect(files.filter((file) => file.includes('/bin/') && !file.includes('/linux/x64/'))).toEqual([]);
    expect(files).not.toContain('model/model.onnx');
  });

  it('aligns an upload delivered through SQS when its handler runs from the staged files alone', async () => {
    // Prepare
    const { store, pool } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/image/puppy tail.txt', readFileSync(`${SAMPLE}.txt`), {
      contentType: 'text/plain',
    });
    await store.put(bucket, 'incoming/image/puppy tail.wav', readFileSync(`${SAMPLE}.wav`), {
      contentType: 'audio/wav',
    });
    const notification = events.find((event) => event.Records[0]?.s3.object.key.endsWith('.wav'))!;
    const sqsEvent = {
      Records: [{ messageId: 'm1', eventSource: 'aws:sqs', body: JSON.stringify(notification) }],
    };
    const resultFile = join(taskRoot, '..', `${basename(taskRoot)}-response.json`);
    // A fresh Node with only the image's environment and the Lambda's working directory: nothing of this
    // repository (its node_modules, its models) is reachable from the staged folder.
    const runner =
      'const { handler } = require(process.env.HANDLER_FILE);' +
      'let input = "";' +
      'process.stdin.on("data", (chunk) => { input += chunk; }).on("end", async () => {' +
      '  const response = await handler(JSON.parse(input));' +
      '  require("node:fs").writeFileSync(process.env.RESPONSE_FILE, JSON.stringify(response));' +
      '});';

    // Act
    const stdout = await runNode(runner, JSON.stringify(sqsEvent), {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH,
        ...dockerfileEnvironment(instructions, taskRoot),
        HANDLER_FILE: join(taskRoot, 'index.js'),
        RESPONSE_FILE: resultFile,
        S3_ENDPOINT: s3.endpoint,
        AWS_REGION: LOCAL_S3_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        OUTPUT_FORMATS: 'json,vtt',
      },
    });
    const response = JSON.parse(readFileSync(resultFile, 'utf8'));
    rmSync(resultFile);
    const result = await store.readText(bucket, 'results/image/puppy tail.json', 1 << 20);
    const vtt = await store.readText(bucket, 'results/image/puppy tail.vtt', 1 << 20);
    pool.destroy();

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const parsed = parseJsonObject('results/image/puppy tail.json', result?.text);
    expect(parsed).toMatchObject({
      mode: 'align',
      text: readFileSync(`${SAMPLE}.txt`, 'utf8'),
      model: { backend: 'cpu', quantized: true },
    });
    expect(parsed.words.map((word: { word: string }) => word.word).join(' ')).toBe(parsed.text.trim());
    expect(parsed.words.every((word: { aligned: boolean }) => word.aligned)).toBe(true);
    expect(vtt?.text).toMatch(/^WEBVTT/);
    expect(stdout).toContain('"ActivitySuccess"');
  }, 150_000);
});
