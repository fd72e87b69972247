import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeededRandom } from '../fuzz/seeded-random';

/**
 * One injected fault: an S3 throttling answer (503 SlowDown), a 500, a connection reset, no answer at all,
 * the real answer's headers and first bytes followed by silence (a stall past the read timeout), or the
 * real answer's headers and half its body followed by a closed connection (a truncated body).
 */
export type Fault = 'throttle' | 'server-error' | 'reset' | 'hang' | 'stall' | 'truncate';

/** Every fault kind, in a fixed order (for stats and for random picks). */
export const FAULTS: readonly Fault[] = ['throttle', 'server-error', 'reset', 'hang', 'stall', 'truncate'];

/** Faults at a steady rate: each request (of the given methods) fails with probability `rate`. */
export interface RandomFaults {
  /** Probability from 0 to 1 that a request gets a fault. */
  rate: number;
  /** The seed of the random sequence, so a run can be repeated. */
  seed: number;
  /** Kinds picked from uniformly; all kinds when omitted. */
  kinds?: readonly Fault[];
  /** HTTP methods eligible for faults; all when omitted. */
  methods?: readonly string[];
}

/** Requests seen and faults injected, in total and per kind. */
export interface FaultStats {
  requests: number;
  faults: number;
  byKind: Record<Fault, number>;
}

/** A loopback HTTP proxy in front of a local S3 server that fails chosen requests, for retry tests. */
export interface FaultProxy {
  endpoint: string;
  /** Faults to inject, in order, into the next requests whose method matches (any method when omitted). */
  inject(faults: readonly Fault[], method?: string): void;
  /** Drops faults not yet injected. */
  clear(): void;
  /** Starts (or, with undefined, stops) random faults; queued `inject` faults still come first. */
  randomFaults(settings: RandomFaults | undefined): void;
  /** Requests seen, and faults injected so far. */
  readonly stats: FaultStats;
  close(): Promise<void>;
}

const FAULT_BODIES: Record<'throttle' | 'server-error', { status: number; code: string }> = {
  throttle: { status: 503, code: 'SlowDown' },
  'server-error': { status: 500, code: 'InternalError' },
};

type RelayMode = 'pass' | 'stall' | 'truncate';

/**
 * Relays a request upstream. `stall` sends the headers and half the first chunk, then nothing more;
 * `truncate` sends the headers (with the full Content-Length) and half the body, then closes the connection;
 * an answer without a body cannot be truncated, so its connection is reset instead.
 */
function relay(target: URL, req: IncomingMessage, res: ServerResponse, mode: RelayMode): void {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (upstreamRes) => {
      if (mode === 'pass') {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        return;
      }
      if (mode === 'stall') {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
          upstreamRes.destroy();
        });
        return;
      }
      const chunks: Buffer[] = [];
      upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstreamRes.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length < 2) {
          res.socket?.destroy();
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      });
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

function answerWithError(res: ServerResponse, fault: 'throttle' | 'server-error'): void {
  const { status, code } = FAULT_BODIES[fault];
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`,
  );
}

/** Starts a fault-injecting proxy on 127.0.0.1 forwarding to `upstream` (an http:// endpoint). */
export async function startFaultProxy(upstream: string, random?: RandomFaults): Promise<FaultProxy> {
  const target = new URL(upstream);
  const queue: Array<{ fault: Fault; method: string | undefined }> = [];
  const stats: FaultStats = {
    requests: 0,
    faults: 0,
    byKind: Object.fromEntries(FAULTS.map((fault) => [fault, 0])) as Record<Fault, number>,
  };
  let steady: { settings: RandomFaults; random: SeededRandom } | undefined;
  const setRandom = (settings: RandomFaults | undefined): void => {
    if (settings !== undefined && !(settings.rate >= 0 && settings.rate <= 1)) {
      throw new RangeError(`fault rate must be from 0 to 1, got ${settings.rate}`);
    }
    steady = settings === undefined ? undefined : { settings, random: new SeededRandom(settings.seed) };
  };
  setRandom(random);
  const nextFault = (method: string | undefined): Fault | undefined => {
    const index = queue.findIndex((entry) => entry.method === undefined || entry.method === method);
    const [queued] = index >= 0 ? queue.splice(index, 1) : [];
    if (queued !== undefined) return queued.fault;
    if (steady === undefined) return undefined;
    const { settings, random: rng } = steady;
    if (settings.methods !== undefined && !settings.methods.includes(method ?? '')) return undefined;
    return rng.chance(settings.rate) ? rng.pick(settings.kinds ?? FAULTS) : undefined;
  };
  const server: Server = createServer((req, res) => {
    stats.requests++;
    const fault = nextFault(req.method);
    if (fault === undefined) {
      relay(target, req, res, 'pass');
      return;
    }
    stats.faults++;
    stats.byKind[fault]++;
    if (fault === 'stall' || fault === 'truncate') {
      relay(target, req, res, fault);
      return;
    }
    req.resume();
    if (fault === 'reset') req.socket.destroy();
    else if (fault !== 'hang') answerWithError(res, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (faults, method) => {
      for (const fault of faults) queue.push({ fault, method });
    },
    clear: () => {
      queue.length = 0;
    },
    randomFaults: setRandom,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
