import type { Agent } from 'node:https';
import { backoffMs } from '../concurrency/retry';
import { httpsUrl } from '../config/https-url';
import { ConfigError, InvalidInputError } from '../errors';
import { decodeFloat16, encodeFloat16 } from './float16';
import { type HttpsReply, httpsExchange, trustingAgent } from './https-exchange';
import {
  BYTES_PER_ELEMENT,
  elementCount,
  encodeInferenceBody,
  type FloatTensor,
  HEADER_LENGTH_HEADER,
  InferenceBodyError,
  isRecord,
  readTensors,
  splitInferenceBody,
  tensorBytes,
} from './inference-protocol';
import { TritonModelError, TritonReplyError, TritonUnavailableError } from './triton-errors';

/** How the client reaches Triton and how patient it is. */
export interface TritonClientOptions {
  /** Base URL, `https://` only (e.g. `https://triton.internal:8443`). */
  url: string;
  /** PEM bundle of extra CAs to trust besides Node's roots (a private CA, a self-signed stand-in); none when absent. */
  ca?: string | undefined;
  /** Per-request limit for the whole exchange (connect, send, reply). Default 30 s. */
  timeoutMs?: number;
  /** Attempts per request, the first included, for 429/502/503/504, resets and timeouts. Default 4. */
  retryMax?: number;
  retryBaseMs?: number;
  retryMaxBackoffMs?: number;
  /** Sockets kept open to the server. Default 8. */
  maxSockets?: number;
  /** For tests: the jitter source and the clock. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, error: TritonUnavailableError) => void;
}

/** Tensor metadata of a served model (KServe v2 `metadata_tensor`). */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** Model metadata (KServe v2 `metadata_model_response`). */
export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** An output asked for, with the most elements it may hold (bounds how much of a reply is read). */
export interface RequestedOutput {
  name: string;
  maxElements: number;
}

/** One inference call. `binaryData: false` sends and asks for JSON tensors only. */
export interface InferRequest {
  inputs: FloatTensor[];
  outputs: RequestedOutput[];
  binaryData?: boolean;
  id?: string;
}

/** The reply's tensors (float32 whatever the wire datatype was). */
export interface InferResult {
  modelName: string;
  modelVersion: string | undefined;
  outputs: FloatTensor[];
}

/** Transfer counters, for benchmarks and logs. */
export interface TritonClientStats {
  requests: number;
  retries: number;
  bytesSent: number;
  bytesReceived: number;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retryMax: 4,
  retryBaseMs: 100,
  retryMaxBackoffMs: 5_000,
  maxSockets: 8,
};
/** Statuses worth another attempt: throttling and a proxy or server that is (re)starting. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Error, metadata and health bodies are small; anything larger is not Triton talking. */
const MAX_SMALL_REPLY = 1024 * 1024;
const MAX_REPLY_HEADER = 64 * 1024;
/** Longest JSON text of one float32 ("-1.2345678901234567e-38,"), bounding JSON replies. */
const MAX_JSON_CHARS_PER_VALUE = 26;

/** KServe v2 (Triton) HTTPS client: readiness, metadata and inference with the binary tensor extension. */
export class TritonClient {
  public readonly stats: TritonClientStats = { requests: 0, retries: 0, bytesSent: 0, bytesReceived: 0 };
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly options: Required<Pick<TritonClientOptions, keyof typeof DEFAULTS>> & TritonClientOptions;

  public constructor(options: TritonClientOptions) {
    const base = httpsUrl('the Triton URL', options.url);
    this.options = { ...DEFAULTS, ...options };
    for (const [name, min] of [
      ['timeoutMs', 1],
      ['retryMax', 1],
      ['maxSockets', 1],
    ] as const) {
      const value = this.options[name];
      if (!Number.isInteger(value) || value < min) {
        throw new ConfigError(`Triton client option ${name} must be an integer >= ${min}, got ${value}`);
      }
    }
    this.base = new URL(base.href.endsWith('/') ? base.href : `${base.href}/`);
    this.agent = trustingAgent({ ca: options.ca, maxSockets: this.options.maxSockets, keepAlive: true });
  }

  /** GET /v2/health/ready: true when the server answers 200, false on a 4xx. */
  public async serverReady(): Promise<boolean> {
    return this.health('v2/health/ready');
  }

  /** GET /v2/models/{name}[/versions/{v}]/ready. */
  public async modelReady(name: string, version?: string): Promise<boolean> {
    return this.health(`${modelPath(name, version)}/ready`);
  }

  /** GET /v2/models/{name}[/versions/{v}]: the model's tensors; MODEL error when it is unknown. */
  public async modelMetadata(name: string, version?: string): Promise<ModelMetadata> {
    const reply = await this.send('GET', modelPath(name, version), MAX_SMALL_REPLY);
    if (reply.status !== 200) throw statusError(reply, `metadata of model "${name}"`);
    return parseModelMetadata(parseJson(reply.body));
  }

  /**
   * GET /v2/models/{name}[/versions/{v}]/config (Triton's model configuration extension): the largest batch the
   * model takes (0: no implicit batching), or undefined when the server does not offer the extension (4xx).
   */
  public async modelMaxBatchSize(name: string, version?: string): Promise<number | undefined> {
    const reply = await this.send('GET', `${modelPath(name, version)}/config`, MAX_SMALL_REPLY);
    if (reply.status >= 400 && reply.status < 500) return undefined;
    if (reply.status !== 200) throw statusError(reply, `configuration of model "${name}"`);
    const size = parseJson(reply.body).max_batch_size;
    if (size === undefined) return 0;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new TritonReplyError(`model configuration has max_batch_size ${JSON.stringify(size)}`);
    }
    return size;
  }

  /** POST /v2/models/{name}[/versions/{v}]/infer, binary tensors unless `binaryData: false`. */
  public async infer(name: string, request: InferRequest, version?: string): Promise<InferResult> {
    for (const tensor of request.inputs) {
      if (tensor.data.length !== elementCount(tensor.shape)) {
        throw new InvalidInputError(
          `input "${tensor.name}" of shape [${tensor.shape.join(',')}] needs ${elementCount(tensor.shape)} values, got ${tensor.data.length}`,
        );
      }
    }
    const binary = request.binaryData ?? true;
    // Serialized with JSON.stringify, which leaves out an undefined `id`.
    const header = {
      id: request.id,
      ...(binary ? { parameters: { binary_data_output: true } } : {}),
      inputs: request.inputs.map((tensor) => ({
        name: tensor.name,
        shape: tensor.shape,
        datatype: tensor.datatype,
        ...(binary
          ? { parameters: { binary_data_size: tensor.data.length * BYTES_PER_ELEMENT[tensor.datatype] } }
          : { data: Array.from(tensor.datatype === 'FP16' ? roundToHalf(tensor.data) : tensor.data) }),
      })),
      outputs: request.outputs.map((output) => ({
        name: output.name,
        parameters: { binary_data: binary },
      })),
    };
    const { body, headerLength } = binary
      ? encodeInferenceBody(header, request.inputs.map(tensorBytes))
      : encodeInferenceBody(header, []);
    const valueBytes = binary ? BYTES_PER_ELEMENT.FP32 : MAX_JSON_CHARS_PER_VALUE;
    const maxReply =
      MAX_REPLY_HEADER + request.outputs.reduce((sum, output) => sum + output.maxElements * valueBytes, 0);
    const reply = await this.send('POST', `${modelPath(name, version)}/infer`, maxReply, body, {
      'content-type': binary ? 'application/octet-stream' : 'application/json',
      ...(binary ? { 'inference-header-content-length': String(headerLength) } : {}),
    });
    if (reply.status !== 200) throw statusError(reply, `inference on model "${name}"`);
    return parseInferReply(reply, name, request.outputs);
  }

  /** Closes the kept-alive sockets. */
  public close(): void {
    this.agent.destroy();
  }

  private async health(path: string): Promise<boolean> {
    const reply = await this.send('GET', path, MAX_SMALL_REPLY);
    if (reply.status === 200) return true;
    if (reply.status >= 400 && reply.status < 500) return false;
    throw statusError(reply, `GET /${path}`);
  }

  /** One request with retries: 429/502/503/504, resets and timeouts are tried again with full-jitter backoff. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    maxReplyBytes: number,
    body?: Buffer,
    headers?: Record<string, string>,
  ): Promise<HttpsReply> {
    const { retryMax, retryBaseMs, retryMaxBackoffMs, timeoutMs } = this.options;
    const url = new URL(path, this.base);
    for (let attempt = 1; ; attempt++) {
      let failure: TritonUnavailableError;
      try {
        this.stats.requests++;
        this.stats.bytesSent += body?.length ?? 0;
        const reply = await httpsExchange(this.agent, {
          method,
          url,
          timeoutMs,
          maxReplyBytes,
          body,
          headers,
        });
        this.stats.bytesReceived += reply.body.length;
        if (!RETRY_STATUSES.has(reply.status)) return reply;
        failure = statusError(reply, `${method} ${url.pathname}`) as TritonUnavailableError;
      } catch (error) {
        if (!(error instanceof TritonUnavailableError) || !error.transient) throw error;
        failure = error;
      }
      if (attempt >= retryMax) {
        throw new TritonUnavailableError(
          `${failure.message} (gave up after ${attempt} attempts; TRITON_RETRY_MAX)`,
          false,
          failure.status,
          { cause: failure },
        );
      }
      const delay = backoffMs(
        { maxAttempts: retryMax, baseMs: retryBaseMs, maxBackoffMs: retryMaxBackoffMs },
        attempt,
        this.options.random,
      );
      this.stats.retries++;
      this.options.onRetry?.(attempt, delay, failure);
      await (this.options.sleep ?? sleep)(delay);
    }
  }
}

/** FP16 values sent as JSON numbers: rounded as the binary encoding would, so both transports agree. */
function roundToHalf(values: Float32Array): Float32Array {
  return decodeFloat16(encodeFloat16(values));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function modelPath(name: string, version: string | undefined): string {
  const model = `v2/models/${encodeURIComponent(name)}`;
  return version === undefined ? model : `${model}/versions/${encodeURIComponent(version)}`;
}

/** The error for a non-200 reply, with Triton's `{"error": "..."}` message when it sent one. */
function statusError(reply: HttpsReply, what: string): TritonUnavailableError | TritonModelError {
  const detail = errorMessage(reply.body);
  const message = `${what} failed with HTTP ${reply.status}${detail === undefined ? '' : `: ${detail}`}`;
  if (reply.status >= 500 || reply.status === 429) {
    return new TritonUnavailableError(message, RETRY_STATUSES.has(reply.status), reply.status);
  }
  return new TritonModelError(message, reply.status);
}

function errorMessage(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isRecord(parsed) && typeof parsed.error === 'string') return parsed.error.slice(0, 1000);
  } catch {
    // Not Triton's error JSON (a proxy's HTML page, say): the status alone is reported.
  }
  return undefined;
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isRecord(parsed)) return parsed;
  } catch (error) {
    throw new TritonReplyError(`the JSON does not parse: ${(error as Error).message}`, { cause: error });
  }
  throw new TritonReplyError('the JSON is not an object');
}

function parseModelMetadata(json: Record<string, unknown>): ModelMetadata {
  const { name, versions, platform, inputs, outputs } = json;
  if (typeof name !== 'string') throw new TritonReplyError('model metadata has no "name"');
  const tensors = (list: unknown, what: string): TensorMetadata[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw new TritonReplyError(`model metadata "${what}" is not a list`);
    return list.map((entry: unknown) => {
      if (
        !isRecord(entry) ||
        typeof entry.name !== 'string' ||
        typeof entry.datatype !== 'string' ||
        !Array.isArray(entry.shape) ||
        !entry.shape.every((size) => Number.isInteger(size) && size >= -1)
      ) {
        throw new TritonReplyError(
          `model metadata "${what}" has a tensor without name, datatype and integer shape`,
        );
      }
      return { name: entry.name, datatype: entry.datatype, shape: entry.shape as number[] };
    });
  };
  return {
    name,
    versions: Array.isArray(versions) ? versions.filter((v): v is string => typeof v === 'string') : [],
    platform: typeof platform === 'string' ? platform : '',
    inputs: tensors(inputs, 'inputs'),
    outputs: tensors(outputs, 'outputs'),
  };
}

function parseInferReply(
  reply: HttpsReply,
  model: string,
  requested: readonly RequestedOutput[],
): InferResult {
  const lengthHeader = reply.headers[HEADER_LENGTH_HEADER];
  if (Array.isArray(lengthHeader)) throw new TritonReplyError('Inference-Header-Content-Length is repeated');
  let outputs: FloatTensor[];
  let header: Record<string, unknown>;
  try {
    // An all-JSON reply is its own header; its size was already bounded by what the outputs may hold.
    const maxHeader = lengthHeader === undefined ? reply.body.length : MAX_REPLY_HEADER;
    const split = splitInferenceBody(reply.body, lengthHeader, maxHeader);
    header = split.header;
    outputs = readTensors(header.outputs, split.binary, 'outputs');
  } catch (error) {
    if (error instanceof InferenceBodyError) throw new TritonReplyError(error.message, { cause: error });
    throw error;
  }
  if (header.model_name !== model) {
    throw new TritonModelError(
      `asked model "${model}" but the reply comes from ${JSON.stringify(header.model_name)}`,
    );
  }
  for (const output of requested) {
    if (!outputs.some((tensor) => tensor.name === output.name)) {
      throw new TritonModelError(`the reply of model "${model}" has no output "${output.name}"`);
    }
  }
  // Allocation was already bounded by the reply size; this catches a model producing more than asked.
  for (const tensor of outputs) {
    const limit = requested.find((output) => output.name === tensor.name)?.maxElements;
    if (limit === undefined) {
      throw new TritonModelError(`Triton returned output "${tensor.name}", which was not asked for`);
    }
    if (tensor.data.length > limit) {
      throw new TritonModelError(
        `Triton returned output "${tensor.name}" of shape [${tensor.shape.join(',')}] (${tensor.data.length} values); at most ${limit} were expected`,
      );
    }
  }
  const version = header.model_version;
  return { modelName: model, modelVersion: typeof version === 'string' ? version : undefined, outputs };
}
