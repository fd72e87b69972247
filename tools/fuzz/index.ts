import { parseArgs } from 'node:util';
import { type FuzzReport, runFuzz } from './run-fuzz';

const MB = 1024 * 1024;

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(0)} MB`;
}

function summary(report: FuzzReport, seconds: number): string {
  const lines = [`cases: ${report.cases} in ${seconds.toFixed(0)} s`];
  for (const [kind, outcomes] of Object.entries(report.outcomes)) {
    const parts = Object.entries(outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => `${outcome} ${count}`);
    lines.push(`  ${kind}: ${parts.join(', ')}`);
  }
  lines.push(
    `violations (untyped throws, unexpected codes, non-finite or over-long output, past the timeout): ${report.violations.length}`,
    ...report.violations.slice(0, 20).map((v) => `  #${v.index} ${v.label}: ${v.problem}`),
    `max time per audio case: ${report.maxCaseMs.toFixed(0)} ms (${report.slowestCase}); per transcript case: ${report.maxTranscriptMs.toFixed(0)} ms`,
    `RSS: start ${mb(report.rssStartBytes)}, warm ${mb(report.rssWarmBytes)}, end ${mb(report.rssEndBytes)}, ` +
      `peak ${mb(report.peakRssBytes)}; growth warm→end ${mb(report.rssEndBytes - report.rssWarmBytes)}, ` +
      `peak over start ${mb(report.peakRssBytes - report.rssStartBytes)} vs the largest per-case bound ${mb(report.maxBoundBytes)}`,
    `heap used: warm ${mb(report.heapWarmBytes)}, end ${mb(report.heapEndBytes)}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `npm run fuzz [-- --cases N --seed S --from I --timeout-ms T --max-duration-sec D]`: hostile audio and
 * transcripts; prints outcomes by error code, violations, the slowest case and memory against the bound.
 * Exits 1 when any case broke a promise.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      cases: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      from: { type: 'string', default: '0' },
      'timeout-ms': { type: 'string', default: '2000' },
      'max-duration-sec': { type: 'string', default: '60' },
    },
  });
  const options = {
    cases: Number(values.cases),
    seed: Number(values.seed),
    from: Number(values.from),
    timeoutMs: Number(values['timeout-ms']),
    maxDurationSec: Number(values['max-duration-sec']),
  };
  const started = Date.now();
  process.stdout.write(
    `fuzz: ${options.cases} cases from #${options.from}, seed ${options.seed}, timeout ${options.timeoutMs} ms, ` +
      `duration limit ${options.maxDurationSec} s\n`,
  );
  const report = await runFuzz({
    ...options,
    progressEvery: 5000,
    onProgress: (done, partial) =>
      process.stderr.write(
        `  ${done} cases, ${partial.violations.length} violations, max ${partial.maxCaseMs.toFixed(0)} ms, ` +
          `RSS ${mb(process.memoryUsage().rss)}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      ),
  });
  process.stdout.write(summary(report, (Date.now() - started) / 1000));
  if (report.violations.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `fuzz failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
