import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { cpuSizing, MEASURED_BASE, minimumMemoryMb } from '../../cdk/constructs/cpu-sizing';
import { readStackSettings } from '../../cdk/stacks/stack-settings';
import {
  BATCH_SIZE,
  LAMBDA_X86_PRICE_PER_GB_SECOND,
  sizeCosts,
  TIMEOUT_SEC,
  TRANSCRIBE_PRICE_PER_HOUR,
} from '../../tools/bench/lambda-cost';
import { REPO_ROOT } from '../helpers/demo-model';

/** A page with its line breaks and runs of spaces made single spaces, so a figure wrapped over two lines matches. */
function page(name: string): string {
  return readFileSync(join(REPO_ROOT, 'docs', name), 'utf8').replace(/\s+/g, ' ');
}

/** A number as the pages write it: thousands separated by commas. */
const grouped = (value: number): string => value.toLocaleString('en-US');

describe('the sizing figures of docs/deploy.md and docs/configuration.md', () => {
  const deploy = page('deploy.md');
  const configuration = page('configuration.md');
  const defaultMemoryMb = readStackSettings(new App().node).cpuMemoryMb;
  const atDefault = cpuSizing({ memoryMb: defaultMemoryMb, timeoutSec: TIMEOUT_SEC, batchSize: BATCH_SIZE });
  const least = minimumMemoryMb(BATCH_SIZE);

  it("give the default memory's threads and thresholds as cpuSizing computes them", () => {
    // Assess
    expect(configuration).toContain(
      `${atDefault.largeFileThresholdSec} s and ${atDefault.largeFileThresholdBytes} bytes at ${grouped(defaultMemoryMb)} MB`,
    );
    expect(configuration).toContain(`(${atDefault.threads} at ${grouped(defaultMemoryMb)} MB)`);
    expect(deploy).toContain(
      `${atDefault.largeFileThresholdSec / 60} minutes and ${grouped(atDefault.largeFileThresholdBytes)} bytes at the default`,
    );
    expect(deploy).toContain(`${atDefault.threads} at ${grouped(defaultMemoryMb)} MB`);
  });

  it('give the measurement the sizing is computed from, and the least memory it accepts', () => {
    // Prepare
    const parallel = 2 * (MEASURED_BASE.rtfOneThread - MEASURED_BASE.rtfTwoThreads);

    // Assess
    expect(deploy).toContain(
      `RTF ${MEASURED_BASE.rtfOneThread} on one thread and ${MEASURED_BASE.rtfTwoThreads} on two`,
    );
    expect(deploy).toContain(
      `rtf(n) = ${(MEASURED_BASE.rtfOneThread - parallel).toFixed(3)} + ${parallel.toFixed(3)} / n`,
    );
    expect(deploy).toContain(
      `${grouped(MEASURED_BASE.baseMemoryMb)} MB plus ${MEASURED_BASE.memoryMbPerAudioHour} MB per audio hour`,
    );
    expect(deploy).toContain(`at least ${grouped(least)} MB`);
    expect(deploy).toContain(`below ${grouped(least)} MB`);
  });

  it('tabulate every Lambda size as the sizing bench computes it, at the prices it names', () => {
    // Prepare
    const table = readFileSync(join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8')
      .split('\n')
      .filter((line) => /^\| [\d,]+( \(default\))? \|/.test(line));

    // Act
    const expected = sizeCosts(MEASURED_BASE).map((size) =>
      [
        '',
        `${grouped(size.memoryMb)}${size.memoryMb === defaultMemoryMb ? ' (default)' : ''}`,
        String(size.threads),
        size.rtf.toFixed(3),
        size.largeFileThresholdSec === undefined
          ? `none: refused, a batch needs ${grouped(least)} MB`
          : `${size.largeFileThresholdSec / 60} min`,
        size.costPerAudioHour.toFixed(4),
        `${((size.costPerAudioHour / TRANSCRIBE_PRICE_PER_HOUR) * 100).toFixed(2)}%`,
        '',
      ]
        .join(' | ')
        .trim(),
    );

    // Assess
    expect(table).toEqual(expected);
    expect(deploy).toContain(`of Amazon Transcribe ($${TRANSCRIBE_PRICE_PER_HOUR})`);
    expect(deploy).toContain(`($${LAMBDA_X86_PRICE_PER_GB_SECOND} per GB-second)`);
  });
});
