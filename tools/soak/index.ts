import { parseArgs } from 'node:util';
import { describeFaultSoak, runFaultSoak } from './fault-soak';
import { describeLoadSoak, runLoadSoak } from './load-soak';

/**
 * `npm run soak [-- faults|load] [--activities N --fault-rate R --seed S --concurrency C]`: the fault soak
 * (default; 200 activities at 30% S3 faults, checked against a reference run) or the load soak (500 activities
 * in one process; RSS and throughput per 100). Exits 1 when an activity was lost or corrupted, ran inference
 * twice, or an input changed.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      activities: { type: 'string' },
      'fault-rate': { type: 'string', default: '0.3' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      'read-timeout-sec': { type: 'string', default: '1' },
    },
    allowPositionals: true,
  });
  const mode = positionals[0] ?? 'faults';
  const concurrency = Number(values.concurrency);
  if (mode === 'load') {
    const report = await runLoadSoak({
      activities: Number(values.activities ?? 500),
      every: 100,
      concurrency,
    });
    process.stdout.write(`${describeLoadSoak(report)}\n`);
    if (report.succeeded !== report.activities) process.exitCode = 1;
    return;
  }
  if (mode !== 'faults') throw new Error(`unknown soak "${mode}"; choose faults or load`);
  const options = {
    activities: Number(values.activities ?? 200),
    faultRate: Number(values['fault-rate']),
    seed: Number(values.seed),
    concurrency,
    readTimeoutSec: Number(values['read-timeout-sec']),
  };
  const report = await runFaultSoak(options);
  process.stdout.write(`${describeFaultSoak(report, options)}\n`);
  const duplicated = Object.keys(report.inferenceCalls).some((calls) => Number(calls) > 1);
  if (report.lost.length + report.corrupted.length + report.inputsChanged.length > 0 || duplicated) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
