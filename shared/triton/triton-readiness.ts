import { httpsUrl } from '../config/https-url';
import { ConfigError } from '../errors';
import { type HttpsReply, httpsExchange, trustingAgent } from './https-exchange';
import { isRecord } from './inference-protocol';

/** What one readiness probe saw: ready only when the server and the model both answered 200. */
export interface TritonReadiness {
  ready: boolean;
  /** One line saying what was seen, for the execution history. */
  detail: string;
}

/** Where the probe looks and how long it may wait (the fields of TritonModelOptions it needs). */
export interface ReadinessProbeOptions {
  /** `https://` base URL, as TRITON_URL. */
  url: string;
  /** TRITON_MODEL. */
  modelName: string;
  /** PEM bundle of extra CAs to trust besides Node's roots; none when absent. */
  ca?: string | undefined;
  /** TRITON_TIMEOUT_SEC in ms; the probe waits the smaller of it and MAX_PROBE_MS. */
  timeoutMs?: number;
}

/** The longest one probe waits: the state machine polls again shortly, so a slow answer is as good as none. */
export const MAX_PROBE_MS = 10_000;
/** Ready answers are empty and error JSON is short; anything longer is not Triton and is not worth reading. */
const MAX_REPLY_BYTES = 4096;
const MAX_DETAIL_CHARS = 300;

/**
 * Asks Triton whether it serves: GET /v2/health/ready, then /v2/models/{model}/ready (KServe v2), within one
 * time bound. Never throws for a server that is not ready (refused, reset, timeout, non-200); a URL that is
 * not https:// and a certificate the trust settings refuse throw ConfigError (code CONFIG): waiting cannot
 * fix either.
 */
export async function probeTritonReadiness(options: ReadinessProbeOptions): Promise<TritonReadiness> {
  const base = baseUrl(options.url);
  const deadline = Date.now() + Math.min(MAX_PROBE_MS, options.timeoutMs ?? MAX_PROBE_MS);
  const agent = trustingAgent({ ca: options.ca, maxSockets: 1, keepAlive: true });
  const model = `model "${options.modelName}"`;
  try {
    for (const [what, path] of [
      ['Triton server', 'v2/health/ready'],
      [model, `v2/models/${encodeURIComponent(options.modelName)}/ready`],
    ] as const) {
      const url = new URL(path, base);
      let reply: HttpsReply;
      try {
        reply = await httpsExchange(agent, {
          method: 'GET',
          url,
          timeoutMs: Math.max(1, deadline - Date.now()),
          maxReplyBytes: MAX_REPLY_BYTES,
        });
      } catch (error) {
        // A certificate the trust settings refuse will not become trusted by waiting: fail now, as CONFIG.
        if (error instanceof ConfigError) throw error;
        return notReady(`${what} not ready: ${(error as Error).message}`);
      }
      if (reply.status !== 200) {
        const said = errorMessage(reply.body);
        return notReady(
          `${what} not ready: GET ${url.pathname} answered HTTP ${reply.status}${said === undefined ? '' : ` (${said})`}`,
        );
      }
    }
    return { ready: true, detail: oneLine(`Triton server and ${model} ready at ${base.host}`) };
  } finally {
    agent.destroy();
  }
}

function baseUrl(url: string): URL {
  return httpsUrl('the Triton URL', url.endsWith('/') ? url : `${url}/`);
}

function notReady(detail: string): TritonReadiness {
  return { ready: false, detail: oneLine(detail) };
}

/** Triton's `{"error": "..."}` message, when the body is that. */
function errorMessage(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isRecord(parsed) && typeof parsed.error === 'string') return parsed.error;
  } catch {
    // A proxy's HTML page, say: the status alone is reported.
  }
  return undefined;
}

/** The detail lands in logs and the execution history: server text is kept to one bounded line. */
function oneLine(text: string): string {
  const flat = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  return flat.length <= MAX_DETAIL_CHARS ? flat : `${flat.slice(0, MAX_DETAIL_CHARS - 1)}…`;
}
