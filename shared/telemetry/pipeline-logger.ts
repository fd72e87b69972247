import { Logger } from '@aws-lambda-powertools/logger';

/** The log calls the pipeline makes (Powertools Logger provides them; tests may capture them). */
export interface PipelineLog {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Powertools JSON logger for the pipeline; the level comes from POWERTOOLS_LOG_LEVEL (default INFO). */
export function createPipelineLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
