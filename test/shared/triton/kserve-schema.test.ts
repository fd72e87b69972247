/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { readFileSync } from 'node:fs';
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { selfSignedTls } from '../../../cli/triton-dev-server/tls-material';
import { splitInferenceBody } from '../../../shared/triton/inference-protocol';
import { type InferRequest, TritonClient } from '../../../shared/triton/triton-client';
import { DEMO_MODEL_DIR, REPO_ROOT } from '../../helpers/demo-model';

/** The KServe v2 REST specification (OpenAPI 3.0), as published; its component schemas validate messages. */
const SPEC = parse(
  readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'kserve', 'open_inference_rest.yaml'), 'utf8'),
) as { components: { schemas: Record<string, { required?: string[] }> } };

/**
 * A validator for one component schema. `binaryExtension` drops `data` from the required fields of tensors:
 * Triton's binary extension replaces it with `parameters.binary_data_size` and the raw bytes after the JSON.
 */
function validator(name: string, binaryExtension = false): ValidateFunction {
  const schemas = structuredClone(SPEC.components.schemas);
  if (binaryExtension) {
    for (const tensor of ['request_input', 'response_output']) {
      schemas[tensor]!.required = schemas[tensor]!.required!.filter((field) => field !== 'data');
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'kserve', components: { schemas } });
  return ajv.getSchema(`kserve#/components/schemas/${name}`)!;
}

function expectValid(validate: ValidateFunction, message: unknown): void {
  const valid = validate(message);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

let server: TritonDevServer;

beforeAll(async () => {
  server = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
});

afterAll(async () => {
  await server.close();
});

/** GET or POST against the stand-in; the JSON part of the reply. */
function exchange(method: string, path: string, body?: Buffer): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, server.url), { method, ca: server.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const length = res.headers['inference-header-content-length'];
        const { header } = splitInferenceBody(Buffer.concat(chunks), length as string | undefined, 1 << 24);
        resolve({ status: res.statusCode ?? 0, json: header });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON header of the inference request the client sends, caught by a server that only records it. */
async function sentInferHeader(binaryData: boolean): Promise<unknown> {
  const tls = await selfSignedTls();
  let header: unknown;
  const recorder = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const length = req.headers['inference-header-content-length'] as string | undefined;
      header = splitInferenceBody(Buffer.concat(chunks), length, 1 << 24).header;
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"recorded"}');
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const client = new TritonClient({
    url: `https://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
    ca: tls.cert,
  });
  const inference: InferRequest = {
    inputs: [
      { name: 'input_values', datatype: 'FP32', shape: [1, 800], data: new Float32Array(800).fill(0.25) },
    ],
    outputs: [{ name: 'logits', maxElements: 2 * 32 }],
    binaryData,
  };
  await client.infer('w2v2', inference).catch(() => undefined);
  client.close();
  await new Promise((resolve) => recorder.close(resolve));
  return header;
}

describe('KServe v2 schemas', () => {
  it('the client sends inference requests the specification accepts (JSON, and binary with the extension)', async () => {
    // Act
    const json = await sentInferHeader(false);
    const binary = await sentInferHeader(true);

    // Assess
    expectValid(validator('inference_request'), json);
    expectValid(validator('inference_request', true), binary);
    expect(binary).toMatchObject({ parameters: { binary_data_output: true } });
  });

  it("the stand-in answers metadata, inference and errors in the specification's shapes", async () => {
    // Prepare
    const inference = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'input_values', shape: [1, 800], datatype: 'FP32', data: new Array(800).fill(0) }],
      }),
    );

    // Act
    const serverMetadata = await exchange('GET', '/v2');
    const modelMetadata = await exchange('GET', '/v2/models/w2v2');
    const unknownModel = await exchange('GET', '/v2/models/nope');
    const reply = await exchange('POST', '/v2/models/w2v2/infer', inference);
    const refused = await exchange('POST', '/v2/models/w2v2/infer', Buffer.from('{"inputs": 3}'));

    // Assess
    expectValid(validator('metadata_server_response'), serverMetadata.json);
    expectValid(validator('metadata_model_response'), modelMetadata.json);
    expectValid(validator('metadata_model_error_response'), unknownModel.json);
    expect(reply.status).toBe(200);
    expectValid(validator('inference_response'), reply.json);
    expect(refused.status).toBe(400);
    expectValid(validator('inference_error_response'), refused.json);
  });
});
