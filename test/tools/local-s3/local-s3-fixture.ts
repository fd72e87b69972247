import { readdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import { loadConfig, type S3Config } from '../../../shared/config/app-config';
import { S3ClientPool } from '../../../shared/s3/s3-client-pool';
import { S3Store, type StoreLog } from '../../../shared/s3/s3-store';
import {
  LOCAL_S3_CREDENTIALS,
  LOCAL_S3_REGION,
  type LocalS3,
  startLocalS3,
} from '../../../tools/local-s3/local-s3-server';
import { REPO_ROOT } from '../../helpers/demo-model';
import { type NodeOutcome, runNodeOutcome } from '../../helpers/run-node';

/** Log lines captured in memory. */
export interface CapturedLog extends StoreLog {
  lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }>;
}

/** A log sink that keeps what it is given. */
export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(extra === undefined ? {} : { extra }) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn') };
}

/** S3 settings for tests: the given endpoint, millisecond backoff. */
export function testS3Config(endpoint: string, env: Record<string, string> = {}): S3Config {
  return loadConfig({
    S3_ENDPOINT: endpoint,
    S3_RETRY_BASE: '0.001',
    S3_RETRY_MAX_BACKOFF: '0.01',
    S3_CONNECTION_TIMEOUT: '2',
    S3_READ_TIMEOUT: '10',
    ...env,
  }).s3;
}

/** A store (and its pool) against `endpoint`. */
export function testStore(
  endpoint: string,
  env: Record<string, string> = {},
  log: StoreLog = captureLog(),
): { store: S3Store; pool: S3ClientPool } {
  const config = testS3Config(endpoint, env);
  const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
  return { store: new S3Store(pool, config, log), pool };
}

/** The text of `key` (up to 1 MiB) read straight from the local server, or undefined when there is none. */
export async function readTestObject(
  endpoint: string,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  const { store, pool } = testStore(endpoint);
  try {
    return (await store.readText(bucket, key, 1 << 20))?.text;
  } finally {
    pool.destroy();
  }
}

/** A local S3 server with one bucket, and the events it has emitted. */
export async function startTestS3(
  bucket = 'test-bucket',
): Promise<{ s3: LocalS3; bucket: string; events: S3Event[] }> {
  const s3 = await startLocalS3({ buckets: [bucket] });
  const events: S3Event[] = [];
  s3.onObjectCreated((event) => events.push(event));
  return { s3, bucket, events };
}

/** The local S3 folders (from startLocalS3) left in `directory`. */
export async function localS3Folders(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.startsWith('w2v2-local-s3-'));
}

/**
 * Runs `script` (CommonJS; it may require TypeScript modules) in a new Node process in the repository root
 * whose temporary folder is `tmp`, and resolves with how it ended: a failing exit is an outcome here.
 */
export function runScript(script: string, tmp: string): Promise<NodeOutcome> {
  return runNodeOutcome(script, '', {
    cwd: REPO_ROOT,
    env: { ...process.env, TMPDIR: tmp },
    nodeArgs: ['--import', 'tsx'],
    timeoutMs: 60_000,
  });
}
