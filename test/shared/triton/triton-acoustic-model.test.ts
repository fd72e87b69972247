/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { join } from 'node:path';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import type { Emissions } from '../../../shared/align/emissions';
import type { DecodedAudio } from '../../../shared/audio/audio-types';
import { decodeAudioFile } from '../../../shared/audio/decode-audio';
import { openOnnxModel } from '../../../shared/inference/onnx-acoustic-model';
import { DEFAULT_WINDOW, planWindows, type WindowOptions } from '../../../shared/inference/window-plan';
import { loadModelSpec, type ModelSpec } from '../../../shared/model/model-spec';
import { runAlignJob } from '../../../shared/pipeline/align-job';
import {
  openTritonModel,
  type TritonAcousticModel,
  type TritonModelOptions,
} from '../../../shared/triton/triton-acoustic-model';
import { alignFailure } from '../../helpers/align-failure';
import { DEMO_MODEL_DIR, SAMPLES_DIR, sampleTruth } from '../../helpers/demo-model';

/** Short windows, so a five-second sample spans several windows batched into one request. */
const SHORT_WINDOWS: WindowOptions = { windowSec: 1.5, contextSec: 0.25 };
const SAMPLE = 'well-known-sailor';
/** Server ready, model ready, model metadata and configuration, asked once when a model is opened. */
const READINESS_REQUESTS = 4;

let server: TritonDevServer;
let spec: ModelSpec;
let audio: DecodedAudio;
const opened: TritonAcousticModel[] = [];

beforeAll(async () => {
  [server, spec] = await Promise.all([
    startTritonDevServer({ modelDir: DEMO_MODEL_DIR }),
    loadModelSpec(DEMO_MODEL_DIR),
  ]);
  audio = await decodeAudioFile(join(SAMPLES_DIR, `${SAMPLE}.wav`), {
    targetSampleRate: spec.sampleRate,
    maxDurationSec: 60,
    timeoutMs: 10_000,
  });
});

afterEach(() => {
  for (const model of opened.splice(0)) model.close();
});

afterAll(async () => {
  await server.close();
});

async function triton(
  options: Partial<TritonModelOptions> = {},
  modelSpec = spec,
): Promise<TritonAcousticModel> {
  const model = await openTritonModel(modelSpec, {
    url: server.url,
    ca: server.ca,
    modelName: 'w2v2',
    window: SHORT_WINDOWS,
    ...options,
  });
  opened.push(model);
  return model;
}

function largestDifference(a: Emissions, b: Emissions): number {
  expect([a.frames, a.vocab]).toEqual([b.frames, b.vocab]);
  return a.data.reduce((max, value, i) => Math.max(max, Math.abs(value - b.data[i]!)), 0);
}

describe('openTritonModel', () => {
  it('sends several windows per request and stitches emissions like the CPU path', async () => {
    // Prepare
    const cpu = await openOnnxModel(spec, {
      modelPath: spec.onnxPath,
      quantized: false,
      window: SHORT_WINDOWS,
    });
    const model = await triton({ batchWindows: 3, maxInFlight: 2 });

    // Act
    const expected = await cpu.logProbs(audio.samples);
    const actual = await model.logProbs(audio.samples);

    // Assess
    expect(model.backend).toBe('triton');
    const windows = planWindows(
      audio.samples.length,
      spec.convLayers,
      spec.sampleRate,
      SHORT_WINDOWS,
    ).windows;
    expect(windows.length).toBeGreaterThan(3);
    expect(model.client.stats.requests).toBe(READINESS_REQUESTS + Math.ceil(windows.length / 3));
    expect(largestDifference(actual, expected)).toBeLessThan(1e-3);
  });

  it('keeps its batches within the max_batch_size the server reports', async () => {
    // Prepare
    const small = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR, maxBatchSize: 2 });
    const model = await openTritonModel(spec, {
      url: small.url,
      ca: small.ca,
      modelName: 'w2v2',
      window: SHORT_WINDOWS,
      batchWindows: 8,
    });
    const windows = planWindows(
      audio.samples.length,
      spec.convLayers,
      spec.sampleRate,
      SHORT_WINDOWS,
    ).windows;

    // Act
    const emissions = await model.logProbs(audio.samples);
    model.close();
    await small.close();

    // Assess
    expect(model.batchWindows).toBe(2);
    expect(emissions.frames).toBeGreaterThan(0);
    expect(model.client.stats.requests).toBe(READINESS_REQUESTS + Math.ceil(windows.length / 2));
  });

  it('gives identical emissions over binary and JSON transport', async () => {
    // Prepare
    const binary = await triton({ binaryData: true });
    const json = await triton({ binaryData: false });

    // Act
    const [viaBinary, viaJson] = await Promise.all([
      binary.logProbs(audio.samples),
      json.logProbs(audio.samples),
    ]);

    // Assess
    expect(largestDifference(viaBinary, viaJson)).toBe(0);
    expect(json.client.stats.bytesSent).toBeGreaterThan(3 * binary.client.stats.bytesSent);
  });

  it('keeps FP16 emissions within half-precision tolerance of FP32 and halves the bytes sent', async () => {
    // Prepare
    const full = await triton();
    const half = await triton({ float16: true });

    // Act
    const reference = await full.logProbs(audio.samples);
    const halved = await half.logProbs(audio.samples);

    // Assess
    expect(half.datatype).toBe('FP16');
    const difference = largestDifference(reference, halved);
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(0.25);
    expect(half.client.stats.bytesSent).toBeLessThan(0.6 * full.client.stats.bytesSent);
  });

  it('aligns a sample to the same word times as the CPU path, within one frame', async () => {
    // Prepare
    const { text } = sampleTruth(SAMPLE);
    const cpu = await openOnnxModel(spec, { modelPath: spec.onnxPath, quantized: false });
    const model = await triton({ window: DEFAULT_WINDOW });
    const settings = { robustMode: true, confidenceWeighting: false, star: false };
    const job = { audio, text, source: { path: SAMPLE }, downloadMs: 0 };

    // Act
    const [onCpu, onTriton] = [
      await runAlignJob(job, cpu, settings),
      await runAlignJob(job, model, settings),
    ];

    // Assess
    expect(onTriton.model.backend).toBe('triton');
    expect(onTriton.words.map((w) => w.word)).toEqual(onCpu.words.map((w) => w.word));
    onTriton.words.forEach((word, i) => {
      expect(Math.abs(word.start - onCpu.words[i]!.start)).toBeLessThanOrEqual(spec.frameSec);
      expect(Math.abs(word.end - onCpu.words[i]!.end)).toBeLessThanOrEqual(spec.frameSec);
    });
  });

  it('fails with MODEL when the server has no such model', async () => {
    // Act
    const error = await alignFailure(triton({ modelName: 'w2v2-large' }));

    // Assess
    expect(error.code).toBe('MODEL');
    expect(error.message).toMatch(/no ready model "w2v2-large".*TRITON_MODEL/);
  });

  it("fails with MODEL when the served vocabulary is not the model directory's", async () => {
    // Prepare
    const wider = { ...spec, vocabulary: { ...spec.vocabulary, size: 40 } } as ModelSpec;

    // Act
    const error = await alignFailure(triton({}, wider));

    // Assess
    expect(error.code).toBe('MODEL');
    expect(error.message).toMatch(/output "logits" FP32\/FP16 \[-1,-1,40\].*output FP32 \[-1,-1,32\]/);
  });

  it('fails with a typed error when a reply is truncated mid-file', async () => {
    // Prepare
    const model = await triton();
    server.faults.truncateBinaryTimes = 1;

    // Act
    const error = await alignFailure(model.logProbs(audio.samples));

    // Assess
    expect(error.code).toBe('TRITON_UNAVAILABLE');
    expect(error.message).toMatch(/truncated body/);
  });
});
