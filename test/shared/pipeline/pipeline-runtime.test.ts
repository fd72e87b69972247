/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { loadConfig, loadTritonConfig } from '../../../shared/config/app-config';
import { AlignError } from '../../../shared/errors';
import { decodeEventKey } from '../../../shared/events/object-events';
import type { AcousticModel } from '../../../shared/inference/acoustic-model';
import {
  createPipelineRuntime,
  type InferenceBackend,
  type ModelLoader,
} from '../../../shared/pipeline/pipeline-runtime';
import { processEvent } from '../../../shared/pipeline/process-event';
import { loadTritonModel } from '../../../shared/triton/load-triton-model';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3 } from '../../../tools/local-s3/local-s3-server';
import { alignFailure } from '../../helpers/align-failure';
import { DEMO_MODEL_DIR, SAMPLES_DIR, sampleTruth } from '../../helpers/demo-model';
import { parseJsonObject } from '../../helpers/json-object';
import { startTestS3, testStore } from '../../tools/local-s3/local-s3-fixture';
import { RecordingTelemetry, recordingLog, StandInModel } from './pipeline-harness';

const SAMPLE = 'puppy-tail';

describe('createPipelineRuntime with USE_TRITON', () => {
  let s3: LocalS3;
  let bucket: string;
  let events: Awaited<ReturnType<typeof startTestS3>>['events'];
  let triton: TritonDevServer;
  let caPath: string;

  beforeAll(async () => {
    [{ s3, bucket, events }, triton] = await Promise.all([
      startTestS3(),
      startTritonDevServer({ modelDir: DEMO_MODEL_DIR }),
    ]);
    caPath = join(mkdtempSync(join(tmpdir(), 'triton-ca-')), 'ca.pem');
    writeFileSync(caPath, triton.ca);
  });

  afterAll(async () => {
    await triton.close();
    await s3.close();
  });

  function tritonEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      USE_TRITON: 'true',
      TRITON_URL: triton.url,
      TRITON_CA_BUNDLE: caPath,
      S3_ENDPOINT: s3.endpoint,
      S3_WARM_CLIENTS: '0',
      ...extra,
    };
  }

  it('runs on CPU and hands Triton work to the state machine when one is configured', () => {
    // Act
    const runtime = createPipelineRuntime(
      loadConfig(
        tritonEnv({ STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:align' }),
      ),
      async () => new StandInModel(),
      { log: recordingLog(), telemetry: new RecordingTelemetry() },
    );
    runtime.pool.destroy();

    // Assess
    expect(runtime.backend).toBe('cpu');
    expect(runtime.context.handoff).toBeDefined();
  });

  it('asks its loader for the model once, on first use, and asks again after a failed load', async () => {
    // Prepare
    const asked: InferenceBackend[] = [];
    const model = new StandInModel();
    const loader: ModelLoader = async (backend) => {
      asked.push(backend);
      if (asked.length === 1) throw new AlignError('MODEL', 'first load fails');
      return model;
    };
    const runtime = createPipelineRuntime(loadConfig(tritonEnv()), loader, {
      log: recordingLog(),
      telemetry: new RecordingTelemetry(),
    });
    const askedAtStart = asked.length;

    // Act
    const failed = await alignFailure(runtime.context.model());
    const loaded: AcousticModel[] = [await runtime.context.model(), await runtime.context.model()];
    runtime.pool.destroy();

    // Assess
    expect(askedAtStart).toBe(0);
    expect(failed.message).toMatch(/first load fails/);
    expect(loaded).toEqual([model, model]);
    expect(asked).toEqual(['triton', 'triton']);
  });

  it('is the GPU path without a state machine: a large file is aligned on Triton right there, with no warning', async () => {
    // Prepare
    const { text } = sampleTruth(SAMPLE);
    const { store, pool: admin } = testStore(s3.endpoint);
    await store.put(bucket, 'incoming/gpu/big.txt', text, { contentType: 'text/plain' });
    await store.put(bucket, 'incoming/gpu/big.wav', readFileSync(join(SAMPLES_DIR, `${SAMPLE}.wav`)), {
      contentType: 'audio/wav',
    });
    const event = [...events]
      .reverse()
      .find((e) => decodeEventKey(e.Records[0]!.s3.object.key) === 'incoming/gpu/big.wav')!;
    const log = recordingLog();
    const config = loadTritonConfig(tritonEnv({ LARGE_FILE_THRESHOLD_BYTES: '1000' }));
    const asked: InferenceBackend[] = [];
    const runtime = createPipelineRuntime(
      config,
      (backend) => {
        asked.push(backend);
        return loadTritonModel(config, DEMO_MODEL_DIR);
      },
      {
        s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
        log,
        telemetry: new RecordingTelemetry(),
      },
    );
    const before = triton.requests;

    // Act
    const { outcomes } = await processEvent(runtime.context, event);
    const result = await store.readText(bucket, 'results/gpu/big.json', 10 * 1024 * 1024);
    runtime.pool.destroy();
    admin.destroy();

    // Assess
    expect(runtime.backend).toBe('triton');
    expect(asked).toEqual(['triton']);
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded']);
    const json = parseJsonObject('results/gpu/big.json', result?.text);
    expect(json.model.backend).toBe('triton');
    expect(json.warnings.join(' ')).not.toMatch(/STATE_MACHINE_ARN/);
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([]);
    expect(triton.requests).toBeGreaterThan(before);
  });
});
