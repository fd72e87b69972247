import { loadavg } from 'node:os';

/** The one-minute load average with one decimal, as the bench headers print it (0.0 where the OS has none). */
export function loadAverage(): string {
  const [oneMinute = 0] = loadavg();
  return oneMinute.toFixed(1);
}
