/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { runCli } from '../../cli/run-cli';
import { startTritonDevServer, type TritonDevServer } from '../../cli/triton-dev-server/dev-server';
import { createHandler as createCpuHandler } from '../../lambdas/align-cpu';
import { createHandler as createTritonHandler } from '../../lambdas/triton-align';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../tools/local-s3/local-s3-server';
import { toAwsS3Event } from '../../tools/local-s3/s3-event-adapter';
import { DEMO_MODEL_DIR, REPO_ROOT, SAMPLES_DIR } from '../helpers/demo-model';
import { parseJsonObject } from '../helpers/json-object';
import { encodeNpy, float32Bytes } from '../helpers/npy';
import { plannedLogits, WAV2VEC2_BASE_VOCAB } from '../helpers/wav2vec2-vocab';
import { RecordingTelemetry, recordingLog } from '../shared/pipeline/pipeline-harness';
import { readTestObject, startTestS3, testStore } from '../tools/local-s3/local-s3-fixture';

const SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'result.schema.json'), 'utf8'));
// Strict, so that a keyword ajv does not know or a subschema without its type fails here, not silently.
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(SCHEMA);

/** A transcript with words the demo model cannot align: a dash, a sign and an emoji it has no token for. */
const AWKWARD_TRANSCRIPT = 'The puppy — chased its tail 😀 & 42%';

function expectValid(document: unknown): void {
  const valid = validate(document);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

/** What a result document holds that the tests below look at. */
interface Result {
  mode: string;
  source: Record<string, unknown>;
  audio: { format: string; channels: number };
  model: { backend: string; quantized: boolean };
  words: Array<{ aligned: boolean }>;
  stats: { skippedTokens: string[] };
  warnings: string[];
}

/** The first ```json block under the page's "## Example" heading. */
function documentedExample(): Result {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'result-document.md'), 'utf8');
  const example = page.slice(page.indexOf('\n## Example\n'));
  const json = /```json\n([\s\S]*?)\n```/.exec(example)?.[1];
  if (json === undefined) throw new Error('docs/result-document.md has no json block under "## Example"');
  return JSON.parse(json) as Result;
}

/** Where in a document a test changes it: property names and array indexes. */
type Path = ReadonlyArray<string | number>;
/** The value that removes the field at a path. */
const REMOVED = Symbol('removed');

/** A copy of `document` with the field at `path` set to `value`, or removed. */
function changed(document: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(document);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === REMOVED) delete parent[last];
  else parent[last] = value;
  return copy;
}

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

/** Runs a command in-process; its stdout, failing the test with stderr when the command fails. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const io = { stdout: sink(), stderr: sink() };
  const code = await runCli(args, env, io);
  if (code !== 0) throw new Error(`w2v2-align ${args.join(' ')} exited ${code}: ${io.stderr.text}`);
  return io.stdout.text;
}

describe('docs/result.schema.json', () => {
  it('accepts the example on docs/result-document.md', () => {
    // Act, Assess
    expectValid(documentedExample());
  });

  it.each<[string, Path, unknown, { instancePath: string; keyword: string }]>([
    ['missing a required field', ['stats'], REMOVED, { instancePath: '', keyword: 'required' }],
    [
      'with a time that is a string',
      ['words', 0, 'start'],
      '0.3',
      { instancePath: '/words/0/start', keyword: 'type' },
    ],
    [
      'with a field the code never writes',
      ['audio', 'bitrate'],
      128,
      { instancePath: '/audio', keyword: 'additionalProperties' },
    ],
    [
      'with a score above 1',
      ['chars', 0, 'score'],
      1.5,
      { instancePath: '/chars/0/score', keyword: 'maximum' },
    ],
    [
      'with an unaligned word that has a score',
      ['words', 1, 'score'],
      0.4,
      { instancePath: '/words/1/score', keyword: 'const' },
    ],
    [
      'whose source names both an object and a file',
      ['source', 'path'],
      '/tmp/week-3.wav',
      { instancePath: '/source', keyword: 'oneOf' },
    ],
    [
      'of a transcription with an unaligned word',
      ['mode'],
      'transcribe',
      { instancePath: '/words/1/aligned', keyword: 'const' },
    ],
  ])('rejects a document %s', (_, path, value, expected) => {
    // Prepare
    const document = changed(documentedExample(), path, value);

    // Act
    const valid = validate(document);

    // Assess
    expect(valid).toBe(false);
    expect(validate.errors).toEqual(expect.arrayContaining([expect.objectContaining(expected)]));
  });
});

describe('command line results against the schema', () => {
  const sample = join(SAMPLES_DIR, 'puppy-tail.wav');

  it('matches an align result with warnings, unaligned words and skipped characters', async () => {
    // Act
    const result = JSON.parse(await cli(['align', sample, '--text', AWKWARD_TRANSCRIPT])) as Result;

    // Assess
    expectValid(result);
    expect(result.source).toEqual({ path: sample });
    expect(result.words.some((word) => !word.aligned)).toBe(true);
    expect(result.stats.skippedTokens).toEqual(['😀']);
    expect(result.warnings.length).toBeGreaterThan(0);
  });

  it('matches a transcribe result', async () => {
    // Act
    const result = JSON.parse(await cli(['transcribe', sample, '--quantize'])) as Result;

    // Assess
    expectValid(result);
    expect(result.mode).toBe('transcribe');
    expect(result.model.quantized).toBe(true);
  });

  it('matches an align-logits result, which reads model output instead of audio', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'result-schema-logits-'));
    const plan = [
      { token: 'H', start: 5, frames: 2 },
      { token: 'I', start: 7, frames: 2 },
    ];
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(WAV2VEC2_BASE_VOCAB));
    writeFileSync(join(dir, 'hi.npy'), encodeNpy('<f4', [20, 32], float32Bytes(plannedLogits(plan, 20))));

    // Act
    const output = await cli([
      'align-logits',
      join(dir, 'hi.npy'),
      '--vocab',
      join(dir, 'vocab.json'),
      '--text',
      'hi',
    ]);

    // Assess
    const result = JSON.parse(output) as Result;
    expectValid(result);
    expect(result.audio.format).toBe('npy-logits');
  });

  it('matches an align-dir result, whose source names files and their versions', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'result-schema-dir-'));
    for (const ext of ['wav', 'txt'])
      copyFileSync(join(SAMPLES_DIR, `puppy-tail.${ext}`), join(dir, `talk.${ext}`));

    // Act
    await cli(['align-dir', dir, '--format', 'json']);

    // Assess
    const result = JSON.parse(readFileSync(join(dir, 'talk.align.json'), 'utf8')) as Result;
    expectValid(result);
    expect(result.source).toEqual({
      path: join(dir, 'talk.wav'),
      etag: expect.stringMatching(/^\d+-\d+$/),
      size: expect.any(Number),
      transcriptPath: join(dir, 'talk.txt'),
      transcriptEtag: expect.stringMatching(/^\d+-\d+$/),
    });
  });
});

describe('pipeline results against the schema', () => {
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('result-schema'));
  });

  afterAll(async () => {
    await s3.close();
  });

  /** Uploads the objects, delivers the audio's S3 event to a CPU Lambda on the demo model (int8) and reads its result. */
  async function alignOnCpu(
    audioKey: string,
    objects: Array<{ key: string; body: Buffer | string; metadata?: Record<string, string> }>,
    resultKey: string,
  ): Promise<Result> {
    const { store, pool } = testStore(s3.endpoint);
    for (const { key, body, metadata } of objects) {
      await store.put(bucket, key, body, { contentType: 'application/octet-stream', metadata });
    }
    pool.destroy();
    const handler = createCpuHandler(
      { S3_ENDPOINT: s3.endpoint, W2V2_QUANTIZE: 'true', OUTPUT_FORMATS: 'json' },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        log: recordingLog(),
        telemetry: new RecordingTelemetry(),
      },
    );
    const event = toAwsS3Event([
      {
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        s3: { bucket: { name: bucket }, object: { key: audioKey } },
      },
    ]);
    await handler(event);
    return parseJsonObject(resultKey, await readTestObject(s3.endpoint, bucket, resultKey)) as Result;
  }

  it('matches a result aligned to a sidecar transcript, naming its key and versions', async () => {
    // Act
    const result = await alignOnCpu(
      'incoming/cpu/puppy.wav',
      [
        { key: 'incoming/cpu/puppy.wav', body: readFileSync(join(SAMPLES_DIR, 'puppy-tail.wav')) },
        { key: 'incoming/cpu/puppy.txt', body: readFileSync(join(SAMPLES_DIR, 'puppy-tail.txt')) },
      ],
      'results/cpu/puppy.json',
    );

    // Assess
    expectValid(result);
    expect(result.source).toEqual({
      bucket,
      key: 'incoming/cpu/puppy.wav',
      etag: expect.any(String),
      size: expect.any(Number),
      transcriptKey: 'incoming/cpu/puppy.txt',
      transcriptEtag: expect.any(String),
    });
    expect(result.model).toMatchObject({ backend: 'cpu', quantized: true });
  });

  it('matches a result of stereo FLAC aligned to its metadata transcript, which names no transcript key', async () => {
    // Act
    const result = await alignOnCpu(
      'incoming/cpu/tone.flac',
      [
        {
          key: 'incoming/cpu/tone.flac',
          body: readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'audio', 'stereo-440-660.flac')),
          metadata: { transcript: encodeURIComponent('a tone, not speech') },
        },
      ],
      'results/cpu/tone.flac.json',
    );

    // Assess
    expectValid(result);
    expect(result.audio).toMatchObject({ format: 'flac', channels: 2 });
    expect(Object.keys(result.source).sort()).toEqual(['bucket', 'etag', 'key', 'size']);
  });

  it('matches a transcription of audio without a transcript', async () => {
    // Act
    const result = await alignOnCpu(
      'incoming/cpu/alone.wav',
      [{ key: 'incoming/cpu/alone.wav', body: readFileSync(join(SAMPLES_DIR, 'harbor-1999.wav')) }],
      'results/cpu/alone.json',
    );

    // Assess
    expectValid(result);
    expect(result.mode).toBe('transcribe');
  });
});

describe('Triton path results against the schema', () => {
  let s3: LocalS3;
  let bucket: string;
  let triton: TritonDevServer;
  let caBundle: string;

  beforeAll(async () => {
    ({ s3, bucket } = await startTestS3('result-schema-triton'));
    triton = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
    caBundle = join(mkdtempSync(join(tmpdir(), 'result-schema-triton-')), 'ca.pem');
    writeFileSync(caBundle, triton.ca);
    const { store, pool } = testStore(s3.endpoint);
    const wav = readFileSync(join(SAMPLES_DIR, 'puppy-tail.wav'));
    await store.put(bucket, 'incoming/gpu/awkward.wav', wav, { contentType: 'audio/wav' });
    await store.put(bucket, 'incoming/gpu/awkward.json', JSON.stringify({ text: AWKWARD_TRANSCRIPT }), {
      contentType: 'application/json',
    });
    await store.put(bucket, 'incoming/gpu/heard.wav', wav, { contentType: 'audio/wav' });
    pool.destroy();
  });

  afterAll(async () => {
    await Promise.all([s3.close(), triton.close()]);
  });

  /** Runs the state machine's Triton task on `key` against the local Triton stand-in and reads its result. */
  async function alignOnTriton(key: string): Promise<Result> {
    const handler = createTritonHandler(
      {
        S3_ENDPOINT: s3.endpoint,
        TRITON_URL: triton.url,
        TRITON_CA_BUNDLE: caBundle,
        OUTPUT_FORMATS: 'json',
      },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        log: recordingLog(),
        telemetry: new RecordingTelemetry(),
      },
    );
    const outcome = await handler({ bucket, key });
    if (!('status' in outcome) || outcome.status !== 'succeeded' || outcome.resultKey === undefined) {
      throw new Error(`the Triton task did not align ${key}: ${JSON.stringify(outcome)}`);
    }
    return parseJsonObject(
      outcome.resultKey,
      await readTestObject(s3.endpoint, bucket, outcome.resultKey),
    ) as Result;
  }

  it('matches an alignment with warnings and unaligned words', async () => {
    // Act
    const result = await alignOnTriton('incoming/gpu/awkward.wav');

    // Assess
    expectValid(result);
    expect(result.model).toMatchObject({ backend: 'triton', quantized: false });
    expect(result.words.some((word) => !word.aligned)).toBe(true);
    expect(result.warnings.length).toBeGreaterThan(0);
  });

  it('matches a transcription', async () => {
    // Act
    const result = await alignOnTriton('incoming/gpu/heard.wav');

    // Assess
    expectValid(result);
    expect(result.mode).toBe('transcribe');
    expect(result.model.backend).toBe('triton');
  });
});
