/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { selfSignedTls } from '../../../cli/triton-dev-server/tls-material';
import {
  type InferRequest,
  TritonClient,
  type TritonClientOptions,
} from '../../../shared/triton/triton-client';
import {
  TritonModelError,
  TritonReplyError,
  TritonUnavailableError,
} from '../../../shared/triton/triton-errors';
import { alignFailure } from '../../helpers/align-failure';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';

const SAMPLES = 8000;
const FRAMES = 24;
const VOCAB = 32;

let server: TritonDevServer;
const clients: TritonClient[] = [];

beforeAll(async () => {
  server = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
});

afterEach(() => {
  for (const key of Object.keys(server.faults)) delete server.faults[key as keyof typeof server.faults];
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server.close();
});

function client(options: Partial<TritonClientOptions> = {}): TritonClient {
  const created = new TritonClient({
    url: server.url,
    ca: server.ca,
    sleep: async () => undefined,
    ...options,
  });
  clients.push(created);
  return created;
}

function request(batch: number, options: Partial<InferRequest> = {}): InferRequest {
  const data = new Float32Array(batch * SAMPLES);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i / 7) * 0.5 + Math.sin(i / 31) * 0.3;
  return {
    inputs: [{ name: 'input_values', datatype: 'FP32', shape: [batch, SAMPLES], data }],
    outputs: [{ name: 'logits', maxElements: batch * FRAMES * VOCAB }],
    ...options,
  };
}

describe('TritonClient', () => {
  it('reports server and model readiness, and the model metadata', async () => {
    // Prepare
    const triton = client();

    // Act
    const [serverReady, modelReady, unknownReady, metadata] = await Promise.all([
      triton.serverReady(),
      triton.modelReady('w2v2'),
      triton.modelReady('nope'),
      triton.modelMetadata('w2v2'),
    ]);

    // Assess
    expect([serverReady, modelReady, unknownReady]).toEqual([true, true, false]);
    expect(metadata.inputs).toEqual([{ name: 'input_values', datatype: 'FP32', shape: [-1, -1] }]);
    expect(metadata.outputs).toEqual([{ name: 'logits', datatype: 'FP32', shape: [-1, -1, VOCAB] }]);
  });

  it("fails with a MODEL error carrying Triton's message for an unknown model", async () => {
    // Act
    const error = await alignFailure(client().modelMetadata('nope'));

    // Assess
    expect(error).toBeInstanceOf(TritonModelError);
    expect(error.code).toBe('MODEL');
    expect(error.message).toMatch(/HTTP 404: Request for unknown model: 'nope'/);
  });

  it('gets the same logits over binary and JSON transport', async () => {
    // Prepare
    const triton = client();

    // Act
    const binary = await triton.infer('w2v2', request(2));
    const json = await triton.infer('w2v2', request(2, { binaryData: false }));

    // Assess
    expect(binary.outputs[0]?.shape).toEqual([2, FRAMES, VOCAB]);
    expect(json.outputs[0]?.shape).toEqual([2, FRAMES, VOCAB]);
    expect(Array.from(json.outputs[0]!.data)).toEqual(Array.from(binary.outputs[0]!.data));
    expect(binary.modelVersion).toBe('1');
  });

  it('sends FP16 tensors and reads FP16 replies within half-precision tolerance', async () => {
    // Prepare
    const triton = client();
    const full = request(1);
    const half = request(1);
    half.inputs[0]!.datatype = 'FP16';

    // Act
    const reference = (await triton.infer('w2v2', full)).outputs[0]!;
    const halved = (await triton.infer('w2v2', half)).outputs[0]!;

    // Assess
    expect(halved.datatype).toBe('FP16');
    const worst = reference.data.reduce(
      (max, value, i) => Math.max(max, Math.abs(value - halved.data[i]!) / Math.max(1, Math.abs(value))),
      0,
    );
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.02);
  });

  it('rounds FP16 values the same way over JSON as over binary', async () => {
    // Prepare
    const triton = client();
    const binary = request(1);
    const json = request(1, { binaryData: false });
    binary.inputs[0]!.datatype = 'FP16';
    json.inputs[0]!.datatype = 'FP16';

    // Act
    const viaBinary = (await triton.infer('w2v2', binary)).outputs[0]!;
    const viaJson = (await triton.infer('w2v2', json)).outputs[0]!;

    // Assess
    expect(Array.from(viaJson.data)).toEqual(Array.from(viaBinary.data));
  });

  it('retries 503 replies with backoff and then succeeds', async () => {
    // Prepare
    server.faults.status503Times = 2;
    const delays: number[] = [];
    const triton = client({ retryMax: 3, random: () => 0.5, onRetry: (_, delay) => delays.push(delay) });

    // Act
    const result = await triton.infer('w2v2', request(1));

    // Assess
    expect(result.outputs[0]?.shape).toEqual([1, FRAMES, VOCAB]);
    expect(triton.stats.retries).toBe(2);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up with a retryable TRITON_UNAVAILABLE after its attempts', async () => {
    // Prepare
    server.faults.status503Times = 5;

    // Act
    const error = await alignFailure(client({ retryMax: 2 }).infer('w2v2', request(1)));

    // Assess
    expect(error).toBeInstanceOf(TritonUnavailableError);
    expect(error.code).toBe('TRITON_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/HTTP 503: Server is not ready.*gave up after 2 attempts/);
  });

  it('retries a dropped connection', async () => {
    // Prepare
    server.faults.dropConnectionTimes = 1;
    const triton = client();

    // Act
    const result = await triton.infer('w2v2', request(1));

    // Assess
    expect(result.outputs[0]?.shape).toEqual([1, FRAMES, VOCAB]);
    expect(triton.stats.retries).toBe(1);
  });

  it('times out a reply that takes too long', async () => {
    // Prepare
    server.faults.delayMs = 1500;

    // Act
    const error = await alignFailure(client({ timeoutMs: 300, retryMax: 2 }).infer('w2v2', request(1)));

    // Assess
    expect(error).toBeInstanceOf(TritonUnavailableError);
    expect(error.message).toMatch(/no complete reply within 300 ms.*gave up after 2 attempts/);
  });

  it('rejects a truncated binary body instead of reading it', async () => {
    // Prepare
    server.faults.truncateBinaryTimes = 1;

    // Act
    const error = await alignFailure(client().infer('w2v2', request(1)));

    // Assess
    expect(error).toBeInstanceOf(TritonReplyError);
    expect(error.message).toMatch(/truncated body/);
  });

  it('rejects a reply whose shape disagrees with its bytes', async () => {
    // Prepare
    server.faults.mismatchShapeTimes = 1;

    // Act
    const error = await alignFailure(client().infer('w2v2', request(1)));

    // Assess
    expect(error).toBeInstanceOf(TritonReplyError);
    expect(error.message).toMatch(/shape \[1,25,32\] FP32 needs 3200 bytes but binary_data_size says 3072/);
  });

  it('rejects a reply larger than the outputs asked for', async () => {
    // Prepare
    const small = request(1);
    small.outputs[0]!.maxElements = 10;

    // Act
    const error = await alignFailure(client().infer('w2v2', small));

    // Assess
    expect(error.message).toMatch(/exceeds the \d+ bytes expected at most|at most 10 were expected/);
  });

  it("turns a 400 into a MODEL error with Triton's message", async () => {
    // Prepare
    const wrong = request(1);
    wrong.inputs[0]!.name = 'audio';

    // Act
    const error = await alignFailure(client().infer('w2v2', wrong));

    // Assess
    expect(error).toBeInstanceOf(TritonModelError);
    expect(error.message).toMatch(/HTTP 400: unexpected inference input 'audio'/);
  });

  it('refuses an input whose values do not fill its shape before sending anything', async () => {
    // Prepare
    const triton = client();
    const wrong = request(1);
    wrong.inputs[0]!.shape = [2, SAMPLES];

    // Act
    const error = await alignFailure(triton.infer('w2v2', wrong));

    // Assess
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/needs 16000 values, got 8000/);
    expect(triton.stats.requests).toBe(0);
  });

  it('refuses a plain http URL with a CONFIG error', () => {
    // Act / Assess
    expect(() => new TritonClient({ url: server.url.replace('https:', 'http:') })).toThrow(
      expect.objectContaining({
        code: 'CONFIG',
        message: expect.stringMatching(/must be an https:\/\/ URL/),
      }),
    );
  });

  it('refuses a server whose certificate the CA bundle does not vouch for', async () => {
    // Prepare
    const other = await selfSignedTls();

    // Act
    const error = await alignFailure(client({ ca: other.cert }).serverReady());

    // Assess
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(/not trusted.*TRITON_CA_BUNDLE/);
  });
});
