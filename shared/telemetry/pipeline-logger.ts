import { Logger } from '@aws-lambda-powertools/logger';

/** The log calls the pipeline makes (Powertools Logger provides them; tests may capture them). */
export interface PipelineLog {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Powertools JSON logger for the pipeline; without `logLevel`, POWERTOOLS_LOG_LEVEL decides (default INFO). */
export function createPipelineLogger(
  serviceName: string,
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR',
): Logger {
  return new Logger({ serviceName, ...(logLevel === undefined ? {} : { logLevel }) });
}
