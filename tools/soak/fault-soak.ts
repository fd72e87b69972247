import { FAULTS, type FaultStats, startFaultProxy } from '../local-s3/fault-proxy';
import { startLocalS3 } from '../local-s3/local-s3-server';
import { CountingModel } from './counting-model';
import { openDemoModel } from './demo-model';
import { sameResult } from './result-comparison';
import { soakActivities } from './soak-inputs';
import {
  adminStore,
  CountingLog,
  CountingTelemetry,
  type DeliveryStats,
  deliverThroughQueue,
  inputHeads,
  soakHandler,
  uploadActivities,
} from './soak-pipeline';

/** How a fault soak runs. */
export interface FaultSoakOptions {
  activities: number;
  /** Probability that one S3 request gets a fault (503, 500, reset, hang, stall, truncated body). */
  faultRate: number;
  seed: number;
  concurrency: number;
  /** S3_READ_TIMEOUT in seconds: how long a hung or stalled request waits before it is retried. */
  readTimeoutSec: number;
}

/** What became of every activity, checked against an un-faulted reference run. */
export interface FaultSoakReport {
  activities: number;
  /** Results identical to the reference (timing stats aside). */
  correct: number;
  /** Results that differ from the reference. */
  corrupted: string[];
  /** Activities with a failure record and no result. */
  failed: string[];
  /** Activities with neither a result nor a failure record. */
  lost: string[];
  /** Inference calls per activity in the faulted run: how many activities had 0, 1, 2... calls. */
  inferenceCalls: Record<number, number>;
  /** Input objects whose ETag or size changed. */
  inputsChanged: string[];
  faults: FaultStats;
  delivery: DeliveryStats;
  logLines: Record<string, number>;
  failureCodes: Record<string, number>;
  referenceSeconds: number;
  faultedSeconds: number;
}

const BUCKET = 'soak';
const SQS_BATCH = 10;
const MAX_RECEIVE_COUNT = 3;

/**
 * Runs `activities` through the align-cpu handler twice on the same inputs: once straight to the local S3
 * (the reference, results under `reference/`), once through the fault proxy at `faultRate` with SQS
 * redelivery. Then checks every activity: a result equal to the reference, or a failure record; nothing lost,
 * inference run once per activity, inputs untouched.
 */
export async function runFaultSoak(options: FaultSoakOptions): Promise<FaultSoakReport> {
  const s3 = await startLocalS3({ buckets: [BUCKET] });
  const proxy = await startFaultProxy(s3.endpoint);
  const { store, pool } = adminStore(s3.endpoint);
  try {
    const activities = await soakActivities(options.activities, 'soak');
    await uploadActivities(store, BUCKET, activities);
    const before = await inputHeads(store, BUCKET, activities);
    const model = await openDemoModel();
    const env = { PIPELINE_MAX_CONCURRENCY: String(options.concurrency) };

    const referenceModel = new CountingModel(model);
    const referenceStarted = Date.now();
    await deliverThroughQueue(
      soakHandler(
        s3.endpoint,
        { ...env, RESULTS_PREFIX: 'reference/', FAILED_PREFIX: 'reference-failed/' },
        { model: referenceModel, log: new CountingLog(), telemetry: new CountingTelemetry() },
      ),
      BUCKET,
      activities,
      { batchSize: SQS_BATCH, maxReceiveCount: MAX_RECEIVE_COUNT },
    );
    const referenceSeconds = (Date.now() - referenceStarted) / 1000;

    const faultedModel = new CountingModel(model);
    const log = new CountingLog();
    const telemetry = new CountingTelemetry();
    proxy.randomFaults({ rate: options.faultRate, seed: options.seed });
    const faultedStarted = Date.now();
    const delivery = await deliverThroughQueue(
      soakHandler(
        proxy.endpoint,
        {
          ...env,
          S3_READ_TIMEOUT: String(options.readTimeoutSec),
          S3_CONNECTION_TIMEOUT: String(options.readTimeoutSec),
          S3_RETRY_BASE: '0.02',
          S3_RETRY_MAX_BACKOFF: '0.5',
        },
        { model: faultedModel, log, telemetry },
      ),
      BUCKET,
      activities,
      { batchSize: SQS_BATCH, maxReceiveCount: MAX_RECEIVE_COUNT },
    );
    const faultedSeconds = (Date.now() - faultedStarted) / 1000;
    proxy.randomFaults(undefined);

    const report: FaultSoakReport = {
      activities: activities.length,
      correct: 0,
      corrupted: [],
      failed: [],
      lost: [],
      inferenceCalls: {},
      inputsChanged: [],
      faults: { ...proxy.stats, byKind: { ...proxy.stats.byKind } },
      delivery,
      logLines: { ...log.counts },
      failureCodes: Object.fromEntries(telemetry.failures),
      referenceSeconds,
      faultedSeconds,
    };
    for (const activity of activities) {
      const stem = activity.audioKey.slice('incoming/'.length, -'.wav'.length);
      const result = await store.readText(BUCKET, `results/${stem}.json`, 1 << 24);
      const reference = await store.readText(BUCKET, `reference/${stem}.json`, 1 << 24);
      if (result !== undefined && reference !== undefined && sameResult(result.text, reference.text))
        report.correct++;
      else if (result !== undefined) report.corrupted.push(activity.audioKey);
      else if ((await store.head(BUCKET, `failed/${stem}.json`)) !== undefined)
        report.failed.push(activity.audioKey);
      else report.lost.push(activity.audioKey);
      const calls = faultedModel.callsByLength.get(activity.samples) ?? 0;
      report.inferenceCalls[calls] = (report.inferenceCalls[calls] ?? 0) + 1;
    }
    const after = await inputHeads(store, BUCKET, activities);
    for (const [key, head] of before) {
      const now = after.get(key);
      if (head === undefined || now === undefined || head.etag !== now.etag || head.size !== now.size) {
        report.inputsChanged.push(key);
      }
    }
    return report;
  } finally {
    pool.destroy();
    await proxy.close();
    await s3.close();
  }
}

/** The report as the lines `npm run soak` prints. */
export function describeFaultSoak(report: FaultSoakReport, options: FaultSoakOptions): string {
  const calls = Object.entries(report.inferenceCalls)
    .map(([count, activities]) => `${activities} activities × ${count} call${count === '1' ? '' : 's'}`)
    .join(', ');
  const kinds = FAULTS.map((fault) => `${fault} ${report.faults.byKind[fault]}`).join(', ');
  const list = (keys: string[]): string =>
    keys.length === 0 ? '' : ` (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''})`;
  return [
    `Fault soak: ${report.activities} activities, ${(options.faultRate * 100).toFixed(0)}% of S3 requests faulted ` +
      `(seed ${options.seed}), PIPELINE_MAX_CONCURRENCY=${options.concurrency}, S3_READ_TIMEOUT=${options.readTimeoutSec} s, demo model`,
    `  S3 requests ${report.faults.requests}, faults ${report.faults.faults}: ${kinds}`,
    `  results ${report.correct + report.corrupted.length} (correct ${report.correct}, corrupted ${report.corrupted.length}${list(report.corrupted)}), ` +
      `failure records only ${report.failed.length}${list(report.failed)}, lost ${report.lost.length}${list(report.lost)}`,
    `  inference calls: ${calls}`,
    `  inputs changed: ${report.inputsChanged.length}${list(report.inputsChanged)}`,
    `  SQS: ${report.delivery.invocations} invocations, ${report.delivery.redeliveries} redeliveries, ` +
      `${report.delivery.deadLettered} dead-lettered, ${report.delivery.handlerErrors} handler errors`,
    `  failures counted by the metrics (per failed invocation, before redelivery): ${JSON.stringify(report.failureCodes)}`,
    `  log lines: ${JSON.stringify(report.logLines)}`,
    `  time: reference ${report.referenceSeconds.toFixed(0)} s, faulted ${report.faultedSeconds.toFixed(0)} s`,
  ].join('\n');
}
