import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HeadBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Config } from '../config/app-config';

/** What the pool needs besides S3Config: region and credentials for local servers, nothing for AWS. */
export interface S3ClientExtras {
  region?: string;
  credentials?: S3ClientConfig['credentials'];
}

/**
 * A fixed-size pool of S3 clients used round-robin, the warm ones first. Each client has its own keep-alive
 * agents, so the pool spreads requests over several connection pools whose sockets together stay within
 * `S3_MAX_CONNECTIONS`, and a cold start can open connections ahead of the first event (`S3_WARM_CLIENTS`).
 */
export class S3ClientPool {
  private readonly clients: S3Client[] = [];
  private next = 0;

  public constructor(
    private readonly config: S3Config,
    private readonly extras: S3ClientExtras = {},
  ) {}

  /** Creates the warm clients and connects each by a HEAD on `bucket` (when known); failures are not fatal. */
  public async warm(bucket: string | undefined): Promise<void> {
    while (this.clients.length < this.config.warmClients) this.clients.push(this.create());
    if (bucket === undefined) return;
    await Promise.allSettled(
      this.clients
        .slice(0, this.config.warmClients)
        .map((client) => client.send(new HeadBucketCommand({ Bucket: bucket }))),
    );
  }

  /**
   * The next client in round-robin order over `S3_CLIENT_POOL_SIZE` slots: the warm clients (created first)
   * are handed out before any other is created, and later slots are filled lazily.
   */
  public client(): S3Client {
    const slot = this.next % this.config.poolSize;
    this.next++;
    // Slots are visited in order and creation only appends, so an empty slot is always the next one to fill.
    let client = this.clients[slot];
    if (client === undefined) {
      client = this.create();
      this.clients.push(client);
    }
    return client;
  }

  /** Clients created so far. */
  public get size(): number {
    return this.clients.length;
  }

  /** Closes every client's sockets. */
  public destroy(): void {
    for (const client of this.clients) client.destroy();
    this.clients.length = 0;
  }

  private create(): S3Client {
    const { config } = this;
    // Rounding down keeps the pool within S3_MAX_CONNECTIONS; loadConfig guarantees a share of at least 1.
    const sockets = Math.min(
      config.maxConnectionsPerHost,
      Math.floor(config.maxConnections / config.poolSize),
    );
    const agentOptions = { keepAlive: true, maxSockets: sockets, maxTotalSockets: sockets };
    return new S3Client({
      ...(this.extras.region === undefined ? {} : { region: this.extras.region }),
      ...(this.extras.credentials === undefined ? {} : { credentials: this.extras.credentials }),
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint, forcePathStyle: true }),
      // Our retry policy (S3_RETRY_*) is the only one; SDK retries on top would multiply the attempts.
      maxAttempts: 1,
      // Local servers (s3rver) corrupt streamed uploads with the default checksums; AWS needs none by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({
        connectionTimeout: config.connectionTimeoutSec * 1000,
        // requestTimeout bounds the wait for response headers; socketTimeout bounds each silence while a
        // body streams, so a stalled download fails (and is retried) instead of hanging the activity.
        requestTimeout: config.readTimeoutSec * 1000,
        throwOnRequestTimeout: true,
        socketTimeout: config.readTimeoutSec * 1000,
        httpAgent: new HttpAgent(agentOptions),
        httpsAgent: new HttpsAgent(agentOptions),
      }),
    });
  }
}
