import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A child process's memory as Linux reports it in /proc/<pid>/status, in bytes. */
export interface ProcessMemory {
  /** VmHWM: the peak resident memory of the process's life, kept by the kernel between samples. */
  peakBytes: number;
  /** VmRSS: its resident memory now. */
  rssBytes: number;
}

/** A running watch over a child's memory. */
export interface MemoryWatch {
  /** The highest VmHWM sampled so far, in bytes. */
  peakBytes(): number;
  /** Stops sampling; the peak read so far stands. */
  stop(): void;
}

/**
 * Samples `child`'s /proc status every `everyMs` until stopped, handing each reading to `onSample` (to enforce a
 * limit on the resident memory). Off Linux, or once the process is gone, nothing is read and the last peak stands.
 */
export function watchMemory(
  child: ChildProcess,
  everyMs: number,
  onSample: (memory: ProcessMemory) => void = () => undefined,
): MemoryWatch {
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid === undefined) return;
    const memory = readMemory(child.pid);
    if (memory === undefined) return;
    peak = Math.max(peak, memory.peakBytes);
    onSample(memory);
  }, everyMs);
  return { peakBytes: () => peak, stop: () => clearInterval(timer) };
}

function readMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  // The kernel writes both in kB.
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peakBytes: field('VmHWM'), rssBytes: field('VmRSS') };
}
