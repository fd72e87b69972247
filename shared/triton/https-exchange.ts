import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../errors';
import { TritonReplyError, TritonUnavailableError } from './triton-errors';

/** One complete HTTP reply. */
export interface HttpsReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request: the body (when any), its extra headers, and the bounds a reply must respect. */
export interface HttpsExchangeRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string> | undefined;
  body?: Buffer | undefined;
  timeoutMs: number;
  /** Replies longer than this are refused (before buffering when Content-Length says so). */
  maxReplyBytes: number;
}

/** Socket-level failures worth another attempt: the server or a proxy dropped or refused the connection. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
]);

/** TLS verification failures: retrying cannot help, the trust configuration must change. */
const TLS_TRUST_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME/;

/** An HTTPS agent trusting Node's roots plus `ca` (a PEM bundle of extra CAs) when given. */
export function trustingAgent(options: {
  ca?: string | undefined;
  maxSockets: number;
  keepAlive: boolean;
}): Agent {
  const { ca, maxSockets, keepAlive } = options;
  return new Agent({
    keepAlive,
    maxSockets,
    // Node's `ca` replaces its roots; keep them so a public certificate still verifies alongside the bundle.
    ...(ca === undefined ? {} : { ca: [...rootCertificates, ca] }),
  });
}

/**
 * Sends one HTTPS request and buffers the reply, bounded in time (the whole exchange) and size. Transport
 * failures become TritonUnavailableError (`transient` for resets and timeouts), TLS trust failures ConfigError.
 */
export function httpsExchange(agent: Agent, exchange: HttpsExchangeRequest): Promise<HttpsReply> {
  const { url, body, timeoutMs, maxReplyBytes } = exchange;
  return new Promise<HttpsReply>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = request(url, {
      method: exchange.method,
      agent,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        ...exchange.headers,
      },
    });
    const timer = setTimeout(() => {
      fail(
        new TritonUnavailableError(
          `${exchange.method} ${url.pathname} got no complete reply within ${timeoutMs} ms (TRITON_TIMEOUT_SEC)`,
          true,
        ),
      );
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => fail(transportError(error, url)));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxReplyBytes) {
        fail(
          new TritonReplyError(`reply of ${declared} bytes exceeds the ${maxReplyBytes} expected at most`),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxReplyBytes) {
          fail(new TritonReplyError(`reply exceeds the ${maxReplyBytes} bytes expected at most`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => fail(transportError(error, url)));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(
            new TritonUnavailableError(
              `the connection closed in the middle of the reply from ${url.host}`,
              true,
            ),
          );
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, received) });
      });
    });
    req.end(body);
  });
}

function transportError(error: NodeJS.ErrnoException, url: URL): Error {
  const code = error.code ?? '';
  if (TLS_TRUST_CODES.test(code)) {
    return new ConfigError(
      `the TLS certificate of ${url.host} is not trusted (${code}: ${error.message}); give its CA as a PEM bundle ` +
        '(TRITON_CA_BUNDLE or NODE_EXTRA_CA_CERTS) or fix the server certificate',
      { cause: error },
    );
  }
  const transient = TRANSIENT_CODES.has(code) || error.message === 'socket hang up';
  return new TritonUnavailableError(
    `cannot reach Triton at ${url.host}: ${code === '' ? '' : `${code} `}${error.message}`,
    transient,
    undefined,
    { cause: error },
  );
}
