import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A `/proc/<pid>/status` field in bytes (the kernel writes kB); 0 once the process is gone. */
function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs `w2v2-align args` (the checkout's, or the bin script `cli` of a copy) in a child process with only `env`
 * (and PATH) set, sampling its memory as it runs.
 */
export function runCliProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  limits: CliLimits,
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
    let peakRssBytes = 0;
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
    const sampler = setInterval(() => {
      if (child.pid === undefined) return;
      peakRssBytes = Math.max(peakRssBytes, statusBytes(child.pid, 'VmHWM'));
      if (statusBytes(child.pid, 'VmRSS') > limits.maxRssBytes) stop('memory');
    }, SAMPLE_MS);
    const deadline = setTimeout(() => stop('time'), limits.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      resolve({ code, killed, stdout, stderr, wallMs: performance.now() - started, peakRssBytes });
    });
  });
}
