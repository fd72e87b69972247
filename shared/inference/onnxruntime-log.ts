import { env } from 'onnxruntime-node';

/**
 * Keeps onnxruntime's own log to errors; call before the process's first session, which reads it once. Its
 * warnings (a telemetry ID it cannot save when HOME is not writable, as in Lambda) are noise on the CLI's stderr
 * and in the logs, while its failures reach callers as thrown errors anyway.
 */
export function quietOnnxRuntimeLog(): void {
  env.logLevel = 'error';
}
