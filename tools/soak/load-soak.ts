import { startLocalS3 } from '../local-s3/local-s3-server';
import { CountingModel } from './counting-model';
import { openDemoModel } from './demo-model';
import { soakActivities } from './soak-inputs';
import {
  adminStore,
  CountingLog,
  CountingTelemetry,
  deliverThroughQueue,
  soakHandler,
  uploadActivities,
} from './soak-pipeline';

/** Memory and pace after each block of activities. */
export interface LoadCheckpoint {
  activities: number;
  /** RSS after a full GC (when run with --expose-gc), in bytes. */
  rssBytes: number;
  heapUsedBytes: number;
  /** Activities per minute within the block that ended here. */
  perMinute: number;
}

/** What a load soak measured. */
export interface LoadSoakReport {
  activities: number;
  succeeded: number;
  failures: Record<string, number>;
  /** Before the first activity (model loaded, inputs uploaded). */
  startRssBytes: number;
  checkpoints: LoadCheckpoint[];
  gcExposed: boolean;
}

const BUCKET = 'load';

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  return true;
}

/**
 * Runs `activities` activities through one align-cpu handler in one process (SQS batches of 10, the demo
 * model), and records RSS after GC and throughput after every `every` activities.
 */
export async function runLoadSoak(options: {
  activities: number;
  every: number;
  concurrency: number;
}): Promise<LoadSoakReport> {
  const s3 = await startLocalS3({ buckets: [BUCKET] });
  const { store, pool } = adminStore(s3.endpoint);
  try {
    const activities = await soakActivities(options.activities, 'load');
    await uploadActivities(store, BUCKET, activities);
    const telemetry = new CountingTelemetry();
    const handler = soakHandler(
      s3.endpoint,
      { PIPELINE_MAX_CONCURRENCY: String(options.concurrency) },
      { model: new CountingModel(await openDemoModel()), log: new CountingLog(), telemetry },
    );
    const gcExposed = collectGarbage();
    const report: LoadSoakReport = {
      activities: activities.length,
      succeeded: 0,
      failures: {},
      startRssBytes: process.memoryUsage().rss,
      checkpoints: [],
      gcExposed,
    };
    for (let from = 0; from < activities.length; from += options.every) {
      const block = activities.slice(from, from + options.every);
      const started = Date.now();
      await deliverThroughQueue(handler, BUCKET, block, { batchSize: 10, maxReceiveCount: 3 });
      const minutes = (Date.now() - started) / 60_000;
      collectGarbage();
      const memory = process.memoryUsage();
      report.checkpoints.push({
        activities: from + block.length,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        perMinute: block.length / minutes,
      });
    }
    report.succeeded = telemetry.successes;
    report.failures = Object.fromEntries(telemetry.failures);
    return report;
  } finally {
    pool.destroy();
    await s3.close();
  }
}

/** The report as the lines `npm run soak -- load` prints. */
export function describeLoadSoak(report: LoadSoakReport): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  return [
    `Load soak: ${report.activities} activities in one process, demo model, ${report.succeeded} succeeded, failures ${JSON.stringify(report.failures)}`,
    `  RSS${report.gcExposed ? ' after GC' : ' (no --expose-gc)'}: start ${mb(report.startRssBytes)}`,
    ...report.checkpoints.map(
      (point) =>
        `  after ${point.activities}: RSS ${mb(point.rssBytes)}, heap ${mb(point.heapUsedBytes)}, ${point.perMinute.toFixed(0)} activities/min in the last block`,
    ),
  ].join('\n');
}
