import type { PipelineLog } from '../../shared/telemetry/pipeline-logger';

/** A log for a terminal: warnings and errors as plain lines (with `info` too when asked), the rest dropped. */
export function terminalLog(
  err: { write(text: string): unknown },
  options: { info?: boolean } = {},
): PipelineLog {
  const print =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]): void => {
      const details = extra.map((fields) => JSON.stringify(fields)).join(' ');
      err.write(`${level}: ${message}${details === '' ? '' : ` ${details}`}\n`);
    };
  const quiet = (): void => undefined;
  return {
    debug: quiet,
    info: options.info === true ? print('info') : quiet,
    warn: print('warning'),
    error: print('error'),
  };
}
