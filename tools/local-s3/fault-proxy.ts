import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One injected fault: an S3 throttling answer, a 500, a connection reset, no answer at all, or the real
 * answer's headers and first bytes followed by silence.
 */
export type Fault = 'throttle' | 'server-error' | 'reset' | 'hang' | 'stall';

/** A loopback HTTP proxy in front of a local S3 server that fails chosen requests, for retry tests. */
export interface FaultProxy {
  endpoint: string;
  /** Faults to inject, in order, into the next requests whose method matches (any method when omitted). */
  inject(faults: readonly Fault[], method?: string): void;
  /** Drops faults not yet injected. */
  clear(): void;
  /** Requests seen, and faults injected so far. */
  readonly stats: { requests: number; faults: number };
  close(): Promise<void>;
}

const FAULT_BODIES: Record<Exclude<Fault, 'reset' | 'hang' | 'stall'>, { status: number; code: string }> = {
  throttle: { status: 503, code: 'SlowDown' },
  'server-error': { status: 500, code: 'InternalError' },
};

/** Relays a request upstream; `stall` sends the headers and the first chunk, then nothing more. */
function relay(target: URL, req: IncomingMessage, res: ServerResponse, stall: boolean): void {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      if (!stall) {
        upstreamRes.pipe(res);
        return;
      }
      upstreamRes.once('data', (chunk: Buffer) => {
        res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        upstreamRes.destroy();
      });
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

/** Starts a fault-injecting proxy on 127.0.0.1 forwarding to `upstream` (an http:// endpoint). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const queue: Array<{ fault: Fault; method: string | undefined }> = [];
  const stats = { requests: 0, faults: 0 };
  const forward = (req: IncomingMessage, res: ServerResponse, stall: boolean): void =>
    relay(target, req, res, stall);
  const server: Server = createServer((req, res) => {
    stats.requests++;
    const index = queue.findIndex((entry) => entry.method === undefined || entry.method === req.method);
    const fault = index >= 0 ? queue.splice(index, 1)[0]!.fault : undefined;
    if (fault === 'stall') {
      stats.faults++;
      forward(req, res, true);
      return;
    }
    if (fault !== undefined) {
      stats.faults++;
      req.resume();
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') return;
      const { status, code } = FAULT_BODIES[fault];
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`,
      );
      return;
    }
    forward(req, res, false);
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
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
