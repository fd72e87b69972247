/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { selfSignedTls } from '../../../cli/triton-dev-server/tls-material';
import {
  MAX_PROBE_MS,
  probeTritonReadiness,
  type ReadinessProbeOptions,
} from '../../../shared/triton/triton-readiness';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';

let triton: TritonDevServer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  triton = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
});

afterEach(async () => {
  jest.useRealTimers();
  for (const key of Object.keys(triton.faults)) delete triton.faults[key as keyof typeof triton.faults];
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

afterAll(async () => {
  await triton.close();
});

function options(extra: Partial<ReadinessProbeOptions> = {}): ReadinessProbeOptions {
  return { url: triton.url, modelName: 'w2v2', ca: triton.ca, ...extra };
}

/** Listens on a free loopback port and answers its https:// URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes `server` once `sockets` are gone (a server's close waits for its open connections). */
function closeLater(server: Server, sockets: Socket[]): void {
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
}

/** An HTTPS server with its own self-signed CA, answering every request with `answer`. */
async function hostileServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; ca: string }> {
  const tls = await selfSignedTls();
  const sockets: Socket[] = [];
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, answer);
  server.on('connection', (socket: Socket) => sockets.push(socket));
  closeLater(server, sockets);
  return { url: await listen(server), ca: tls.cert };
}

/** A TCP server that accepts connections and never says a word (not even a TLS handshake). */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => sockets.push(socket));
  closeLater(server, sockets);
  return listen(server);
}

/** A loopback URL whose port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createTcpServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

/** Settles `promise` into a flag the test can read while it is still pending. */
function watch<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  return { settled: () => settled, promise: watched };
}

/** Waits, through real I/O, until `condition` holds (setImmediate is left real by the fake clocks below). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** jest's clock for timers and Date; I/O and immediates stay real, so sockets still talk. */
function useTestClock(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
}

/** Whether `watched` has settled just before and just after `boundMs` more of the test's clock. */
async function aroundBound(watched: { settled: () => boolean }, boundMs: number): Promise<boolean[]> {
  await jest.advanceTimersByTimeAsync(boundMs - 1);
  const before = watched.settled();
  await jest.advanceTimersByTimeAsync(1);
  // A real macrotask: every promise callback the timeout set off has run by then.
  await new Promise((resolve) => setImmediate(resolve));
  return [before, watched.settled()];
}

describe('probeTritonReadiness', () => {
  it('answers ready when the server and the model both answer 200', async () => {
    // Act
    const readiness = await probeTritonReadiness(options());

    // Assess
    expect(readiness).toEqual({
      ready: true,
      detail: `Triton server and model "w2v2" ready at ${new URL(triton.url).host}`,
    });
  });

  it('answers not ready while the server is cold, then ready once it is', async () => {
    // Prepare
    triton.faults.notReadyTimes = 2;

    // Act
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push(await probeTritonReadiness(options()));

    // Assess
    expect(polls.map((poll) => poll.ready)).toEqual([false, false, true]);
    expect(polls[0]?.detail).toBe(
      'Triton server not ready: GET /v2/health/ready answered HTTP 503 (Server is not ready)',
    );
  });

  it('answers not ready for a model the server does not serve', async () => {
    // Act
    const readiness = await probeTritonReadiness(options({ modelName: 'w2v2-large' }));

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toBe(
      'model "w2v2-large" not ready: GET /v2/models/w2v2-large/ready answered HTTP 404 ' +
        "(Request for unknown model: 'w2v2-large' is not found)",
    );
  });

  it('answers not ready when the connection is refused', async () => {
    // Prepare
    const url = await closedPortUrl();

    // Act
    const readiness = await probeTritonReadiness(options({ url }));

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toMatch(
      /^Triton server not ready: cannot reach Triton at 127\.0\.0\.1:\d+: ECONNREFUSED/,
    );
  });

  it('fails with CONFIG at once when the certificate is not trusted, since waiting cannot fix it', async () => {
    // Prepare
    const other = await selfSignedTls();

    // Act
    const probed = probeTritonReadiness(options({ ca: other.cert }));

    // Assess
    await expect(probed).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/the TLS certificate of .* is not trusted/),
    });
  });

  it('gives up on a server that never answers once the configured timeout has passed, and not before', async () => {
    // Prepare
    const url = await silentServer();
    useTestClock();
    const probe = watch(probeTritonReadiness(options({ url, timeoutMs: 300 })));

    // Act
    const settled = await aroundBound(probe, 300);

    // Assess
    expect(settled).toEqual([false, true]);
    const readiness = await probe.promise;
    expect(readiness).toEqual({
      ready: false,
      detail: expect.stringMatching(/^Triton server not ready: .*no complete reply within 300 ms/),
    });
  });

  it('waits MAX_PROBE_MS and no longer however long the configured timeout is', async () => {
    // Prepare
    const url = await silentServer();
    useTestClock();
    const probe = watch(probeTritonReadiness(options({ url, timeoutMs: 60_000 })));

    // Act
    const settled = await aroundBound(probe, MAX_PROBE_MS);

    // Assess
    expect(settled).toEqual([false, true]);
    const readiness = await probe.promise;
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toMatch(
      new RegExp(`^Triton server not ready: .*no complete reply within ${MAX_PROBE_MS} ms`),
    );
  });

  it('shares one time bound between the server and the model check', async () => {
    // Prepare: the server answers after 500 ms of the test's clock; the model check never gets an answer
    let serverAsked = 0;
    let modelAsked = 0;
    const hostile = await hostileServer((req, res) => {
      if (req.url === '/v2/health/ready') {
        serverAsked++;
        setTimeout(() => res.writeHead(200).end(), 500);
      } else modelAsked++;
    });
    useTestClock();
    const probe = watch(probeTritonReadiness({ ...hostile, modelName: 'w2v2', timeoutMs: 1_000 }));

    // Act
    await until(() => serverAsked === 1);
    await jest.advanceTimersByTimeAsync(500);
    await until(() => modelAsked === 1);
    const settled = await aroundBound(probe, 500);

    // Assess: the model check had what was left of the 1,000 ms, not 1,000 ms of its own
    expect(settled).toEqual([false, true]);
    const readiness = await probe.promise;
    expect(modelAsked).toBe(1);
    expect(readiness.detail).toMatch(/^model "w2v2" not ready: .*no complete reply within 500 ms/);
  });

  it('stops reading an endless reply after a few KB', async () => {
    // Prepare
    const hostile = await hostileServer((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });

    // Act
    const readiness = await probeTritonReadiness({ ...hostile, modelName: 'w2v2' });

    // Assess: the size bound ended it (a probe left reading would end on the time bound instead)
    expect(readiness).toEqual({
      ready: false,
      detail: expect.stringMatching(/^Triton server not ready: .*exceeds the 4096 bytes expected at most/),
    });
  });

  it('keeps a hostile error message to one bounded line', async () => {
    // Prepare
    const hostile = await hostileServer((_req, res) => {
      const body = JSON.stringify({ error: `down\r\nX-Injected: yes\u2028${'!'.repeat(2000)}` });
      res.writeHead(503, { 'content-type': 'application/json' }).end(body);
    });

    // Act
    const readiness = await probeTritonReadiness({ ...hostile, modelName: 'w2v2' });

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toMatch(
      /^Triton server not ready: GET \/v2\/health\/ready answered HTTP 503 \(down X-Injected: yes !+…$/,
    );
    expect(readiness.detail.length).toBeLessThanOrEqual(300);
  });

  it('refuses a plain http URL with a CONFIG error, since no poll can fix it', async () => {
    // Act
    const probe = probeTritonReadiness(options({ url: triton.url.replace('https:', 'http:') }));

    // Assess
    await expect(probe).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/https:\/\//),
    });
  });
});
