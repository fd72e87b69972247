/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { request as httpsRequest } from 'node:https';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { encodeInferenceBody } from '../../../shared/triton/inference-protocol';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';

let server: TritonDevServer;

beforeAll(async () => {
  server = await startTritonDevServer({
    modelDir: DEMO_MODEL_DIR,
    maxBatchSize: 2,
    maxBodyBytes: 1024 * 1024,
  });
});

afterAll(async () => {
  await server.close();
});

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** One raw HTTPS exchange with the stand-in, trusting its CA. */
function call(
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, server.url), { method, ca: server.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const length = Number(res.headers['inference-header-content-length'] ?? text.length);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: text === '' ? undefined : JSON.parse(text.slice(0, length)),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function binaryInfer(
  shape: number[],
  bytes: number,
  datatype = 'FP32',
): { body: Buffer; headers: Record<string, string> } {
  const { body, headerLength } = encodeInferenceBody(
    {
      inputs: [{ name: 'input_values', datatype, shape, parameters: { binary_data_size: bytes } }],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
    },
    [new Uint8Array(bytes)],
  );
  return { body, headers: { 'inference-header-content-length': String(headerLength) } };
}

describe('Triton stand-in server', () => {
  it('describes itself and its model like Triton', async () => {
    // Act
    const [root, live, metadata] = await Promise.all([
      call('GET', '/v2'),
      call('GET', '/v2/health/live'),
      call('GET', '/v2/models/w2v2/versions/1'),
    ]);

    // Assess
    expect(root.json).toEqual(expect.objectContaining({ extensions: ['binary_tensor_data'] }));
    expect(live.status).toBe(200);
    expect(metadata.json).toEqual(
      expect.objectContaining({
        name: 'w2v2',
        platform: 'onnxruntime_onnx',
        outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, -1, 32] }],
      }),
    );
  });

  it("answers 404 with Triton's error JSON for an unknown model or version", async () => {
    // Act
    const [model, version] = await Promise.all([
      call('GET', '/v2/models/other/ready'),
      call('GET', '/v2/models/w2v2/versions/7/ready'),
    ]);

    // Assess
    expect(model).toEqual(
      expect.objectContaining({
        status: 404,
        json: { error: "Request for unknown model: 'other' is not found" },
      }),
    );
    expect(version.status).toBe(404);
  });

  it('runs a binary FP32 batch and answers binary logits with their size', async () => {
    // Prepare
    const { body, headers } = binaryInfer([2, 4000], 2 * 4000 * 4);

    // Act
    const reply = await call('POST', '/v2/models/w2v2/infer', body, headers);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual(
      expect.objectContaining({
        model_name: 'w2v2',
        outputs: [
          {
            name: 'logits',
            datatype: 'FP32',
            shape: [2, 12, 32],
            parameters: { binary_data_size: 2 * 12 * 32 * 4 },
          },
        ],
      }),
    );
  });

  it('accepts FP16 input and JSON tensors', async () => {
    // Prepare
    const half = binaryInfer([1, 4000], 4000 * 2, 'FP16');
    const json = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'input_values', datatype: 'FP32', shape: [1, 400], data: new Array(400).fill(0.1) }],
      }),
    );

    // Act
    const [halfReply, jsonReply] = await Promise.all([
      call('POST', '/v2/models/w2v2/infer', half.body, half.headers),
      call('POST', '/v2/models/w2v2/infer', json),
    ]);

    // Assess
    expect(halfReply.status).toBe(200);
    expect(jsonReply.status).toBe(200);
    const output = (jsonReply.json as { outputs: { shape: number[]; data: number[] }[] }).outputs[0]!;
    expect(output.shape).toEqual([1, 1, 32]);
    expect(output.data).toHaveLength(32);
  });

  it.each([
    ['a batch above max_batch_size', binaryInfer([3, 4000], 3 * 4000 * 4), /shape \[batch 1..2/],
    ['a window too short for one frame', binaryInfer([1, 100], 400), /samples 400\.\./],
    [
      'a byte length that disagrees with the shape',
      binaryInfer([1, 4000], 4000 * 4 - 4),
      /needs 16000 bytes/,
    ],
    ['an integer datatype', binaryInfer([1, 4000], 4000 * 4, 'INT32'), /only FP32 and FP16/],
  ])('refuses %s with 400', async (_, request, message) => {
    // Act
    const reply = await call('POST', '/v2/models/w2v2/infer', request.body, request.headers);

    // Assess
    expect(reply.status).toBe(400);
    expect((reply.json as { error: string }).error).toMatch(message);
  });

  it('refuses a body above its limit without reading it', async () => {
    // Prepare
    const { body, headers } = binaryInfer([2, 200_000], 2 * 200_000 * 4);

    // Act
    const reply = await call('POST', '/v2/models/w2v2/infer', body, headers);

    // Assess
    expect(reply.status).toBe(400);
    expect((reply.json as { error: string }).error).toMatch(/exceeds 1048576 bytes/);
  });

  it('answers readiness 503 while notReadyTimes lasts, refusing inference meanwhile without spending it', async () => {
    // Prepare
    server.faults.notReadyTimes = 2;
    const { body, headers } = binaryInfer([1, 4000], 4000 * 4);

    // Act
    const whileCold = await call('POST', '/v2/models/w2v2/infer', body, headers);
    const left = server.faults.notReadyTimes;
    const coldServer = await call('GET', '/v2/health/ready');
    const coldModel = await call('GET', '/v2/models/w2v2/ready');
    const [warmServer, warmModel, live] = await Promise.all([
      call('GET', '/v2/health/ready'),
      call('GET', '/v2/models/w2v2/ready'),
      call('GET', '/v2/health/live'),
    ]);
    const whenWarm = await call('POST', '/v2/models/w2v2/infer', body, headers);

    // Assess
    expect(whileCold).toEqual(
      expect.objectContaining({ status: 503, json: { error: 'Server is not ready' } }),
    );
    expect(left).toBe(2);
    expect([coldServer.status, coldModel.status]).toEqual([503, 503]);
    expect(coldServer.json).toEqual({ error: 'Server is not ready' });
    expect([warmServer.status, warmModel.status, live.status]).toEqual([200, 200, 200]);
    expect(server.faults.notReadyTimes).toBe(0);
    expect(whenWarm.status).toBe(200);
  });

  it('counts the requests it receives', async () => {
    // Prepare
    const before = server.requests;

    // Act
    await call('GET', '/v2/health/ready');

    // Assess
    expect(server.requests).toBe(before + 1);
  });
});
