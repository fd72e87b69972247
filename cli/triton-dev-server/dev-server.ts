import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { InvalidInputError } from '../../shared/errors';
import { cpuSessionOptions } from '../../shared/inference/execution-settings';
import { cachedSession } from '../../shared/inference/onnx-session-cache';
import { INPUT_NAME, OUTPUT_NAME } from '../../shared/model/graph-contract';
import { loadModelSpec, type ModelSpec } from '../../shared/model/model-spec';
import { HEADER_LENGTH_HEADER, InferenceBodyError } from '../../shared/triton/inference-protocol';
import { type TritonFaults, takeFault } from './dev-faults';
import { type InferLimits, parseInferRequest, runInfer } from './infer-endpoint';
import { selfSignedTls, type TlsMaterial } from './tls-material';

/** How the stand-in serves one model directory. */
export interface TritonDevServerOptions {
  modelDir: string;
  /** Default 127.0.0.1 (loopback only). */
  host?: string | undefined;
  /** Default 0: any free port. */
  port?: number | undefined;
  /** Default `w2v2`, as TRITON_MODEL. */
  modelName?: string | undefined;
  /** PEM certificate and key; default a fresh self-signed one for localhost and 127.0.0.1. */
  tls?: TlsMaterial | undefined;
  /** Largest batch accepted, as Triton's max_batch_size. Default 8. */
  maxBatchSize?: number | undefined;
  /** Longest window accepted, in seconds. Default 64. */
  maxWindowSec?: number;
  /** Largest request body. Default 256 MiB. */
  maxBodyBytes?: number;
  faults?: TritonFaults;
}

/** A running stand-in. */
export interface TritonDevServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** PEM to trust (the self-signed certificate, or the one given). */
  ca: string;
  /** Requests received so far, of every kind. */
  readonly requests: number;
  /** The live fault settings (the object passed in, when one was). */
  faults: TritonFaults;
  close(): Promise<void>;
}

const SERVER_NAME = 'w2v2-align-triton-dev';

/**
 * Starts a local HTTPS server that speaks Triton's KServe v2 REST protocol (binary extension included) for one
 * ONNX model directory, run with onnxruntime-node on CPU: a stand-in for a GPU Triton in tests, benches and
 * fault soaks. Replies follow Triton: errors as `{"error": "..."}` with 400/404/503 codes.
 */
export async function startTritonDevServer(options: TritonDevServerOptions): Promise<TritonDevServer> {
  const maxBatchSize = options.maxBatchSize ?? 8;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new InvalidInputError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  const spec = await loadModelSpec(options.modelDir);
  const session = await cachedSession(spec.onnxPath, cpuSessionOptions(availableParallelism()));
  const limits: InferLimits = {
    modelName: options.modelName ?? 'w2v2',
    maxBatchSize,
    maxSamples: Math.round((options.maxWindowSec ?? 64) * spec.sampleRate),
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
  };
  const tls = options.tls ?? (await selfSignedTls());
  const faults = options.faults ?? {};
  let requests = 0;
  // One batch at a time, as one model instance on a GPU would run them (ONNX Runtime uses every core anyway).
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    requests++;
    route(req, res, { spec, session, limits, faults, serialized }).catch((error: unknown) => {
      sendError(res, 500, `internal error: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `https://${host}:${address.port}`,
    ca: tls.cert,
    get requests() {
      return requests;
    },
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface ServedModel {
  spec: ModelSpec;
  session: InferenceSession;
  limits: InferLimits;
  faults: TritonFaults;
  serialized: <T>(work: () => Promise<T>) => Promise<T>;
}

const MODEL_ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer|\/config)?$/;

async function route(req: IncomingMessage, res: ServerResponse, model: ServedModel): Promise<void> {
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  if (req.method === 'GET' && (path === '/v2' || path === '/v2/')) {
    sendJson(res, 200, { name: SERVER_NAME, version: '2.0', extensions: ['binary_tensor_data'] });
    return;
  }
  if (req.method === 'GET' && path === '/v2/health/live') {
    sendEmpty(res, 200);
    return;
  }
  if (req.method === 'GET' && path === '/v2/health/ready') {
    answerReady(res, model.faults);
    return;
  }
  const match = MODEL_ROUTE.exec(path);
  if (match === null) {
    sendError(res, 404, `Not Found: ${path}`);
    return;
  }
  // The name group is not optional: a match always has it.
  const [, rawName = '', rawVersion, action] = match;
  let name: string;
  let version: string | undefined;
  try {
    name = decodeURIComponent(rawName);
    version = rawVersion === undefined ? undefined : decodeURIComponent(rawVersion);
  } catch {
    sendError(res, 400, `malformed model path ${path}`);
    return;
  }
  if (name !== model.limits.modelName || (version !== undefined && version !== '1')) {
    const which = version === undefined ? '' : ` version ${version}`;
    sendError(res, 404, `Request for unknown model: '${name}'${which} is not found`);
    return;
  }
  const method = action === '/infer' ? 'POST' : 'GET';
  if (req.method !== method) {
    sendError(res, 400, `${req.method} is not supported on ${path}; use ${method}`);
    return;
  }
  if (action === '/ready') answerReady(res, model.faults);
  else if (action === '/infer') await infer(req, res, model);
  else if (action === '/config') sendJson(res, 200, modelConfig(model));
  else sendJson(res, 200, metadata(model));
}

/** 200, or Triton's 503 while the notReadyTimes fault lasts. */
function answerReady(res: ServerResponse, faults: TritonFaults): void {
  if (takeFault(faults, 'notReadyTimes')) sendError(res, 503, 'Server is not ready');
  else sendEmpty(res, 200);
}

function metadata({ spec, limits }: ServedModel): unknown {
  return {
    name: limits.modelName,
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: [{ name: INPUT_NAME, datatype: 'FP32', shape: [-1, -1] }],
    outputs: [{ name: OUTPUT_NAME, datatype: 'FP32', shape: [-1, -1, spec.vocabulary.size] }],
  };
}

/** The model configuration as Triton's JSON form of config.pbtxt gives it (the fields clients read). */
function modelConfig({ spec, limits }: ServedModel): unknown {
  return {
    name: limits.modelName,
    platform: 'onnxruntime_onnx',
    max_batch_size: limits.maxBatchSize,
    input: [{ name: INPUT_NAME, data_type: 'TYPE_FP32', dims: [-1] }],
    output: [{ name: OUTPUT_NAME, data_type: 'TYPE_FP32', dims: [-1, spec.vocabulary.size] }],
  };
}

async function infer(req: IncomingMessage, res: ServerResponse, model: ServedModel): Promise<void> {
  const { faults, limits } = model;
  const body = await readBody(req, limits.maxBodyBytes);
  if (body === undefined) {
    res.setHeader('connection', 'close');
    sendError(res, 400, `request body exceeds ${limits.maxBodyBytes} bytes`);
    return;
  }
  if ((faults.notReadyTimes ?? 0) > 0) {
    sendError(res, 503, 'Server is not ready');
    return;
  }
  if (takeFault(faults, 'dropConnectionTimes')) {
    req.socket.destroy();
    return;
  }
  if (takeFault(faults, 'status503Times')) {
    sendError(res, 503, 'Server is not ready: injected fault');
    return;
  }
  const headerLength = req.headers[HEADER_LENGTH_HEADER];
  let reply: Awaited<ReturnType<typeof runInfer>>;
  try {
    if (Array.isArray(headerLength))
      throw new InferenceBodyError('Inference-Header-Content-Length is repeated');
    const call = parseInferRequest(body, headerLength, model.spec, limits);
    reply = await model.serialized(() => runInfer(model.session, call, limits, faults));
  } catch (error) {
    if (error instanceof InferenceBodyError) {
      sendError(res, 400, error.message);
      return;
    }
    throw error;
  }
  if ((faults.delayMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
  if (res.destroyed) return;
  res.writeHead(200, { ...reply.headers, 'content-length': String(reply.body.length) });
  res.end(reply.body);
}

/** The whole body, or undefined once it grows past `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    // A client that goes away mid-body gets no reply (its socket is gone).
    req.on('close', () => {
      if (!req.complete) resolve(undefined);
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(text.length) });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  sendJson(res, status, { error: message });
}
