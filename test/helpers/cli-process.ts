import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchMemory } from '../../tools/process-memory';
import { REPO_ROOT } from './demo-model';

/** The built command line, exactly what `npx w2v2-align` runs. */
const CLI = join(REPO_ROOT, 'bin', 'w2v2-align.js');
/** How often the child's memory is sampled. */
const SAMPLE_MS = 20;

/** How a `w2v2-align` child process ended, with its peak resident memory as Linux reports it. */
export interface CliRun {
  /** Exit code; null when it was killed. */
  code: number | null;
  /** Why this helper killed it, if it did. */
  killed: 'time' | 'memory' | undefined;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** The highest VmHWM sampled from /proc, in bytes. */
  peakRssBytes: number;
}

/** Limits past which the child is killed, so a run that regresses fails its test instead of the machine. */
export interface CliLimits {
  killAfterMs: number;
  maxRssBytes: number;
}

/** What most runs allow: half a minute and 1 GiB resident. */
const DEFAULT_LIMITS: CliLimits = { killAfterMs: 30_000, maxRssBytes: 1024 ** 3 };

/**
 * Runs `w2v2-align args` (the checkout's, or the bin script `cli` of a copy) in a child process with only `env`
 * (and PATH) set, sampling its memory as it runs and killing it past `limits`.
 */
export function runCliProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  limits: CliLimits = DEFAULT_LIMITS,
  cli = CLI,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      // Files a run leaves in its working folder (onnxruntime's session file without a HOME) stay out of the checkout.
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed: CliRun['killed'];
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const stop = (why: NonNullable<CliRun['killed']>): void => {
      killed ??= why;
      child.kill('SIGKILL');
    };
    const memory = watchMemory(child, SAMPLE_MS, ({ rssBytes }) => {
      if (rssBytes > limits.maxRssBytes) stop('memory');
    });
    const deadline = setTimeout(() => stop('time'), limits.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      memory.stop();
      clearTimeout(deadline);
      const peakRssBytes = memory.peakBytes();
      resolve({ code, killed, stdout, stderr, wallMs: performance.now() - started, peakRssBytes });
    });
  });
}
