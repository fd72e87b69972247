import type { AlignmentResult } from '../../shared/output/result';
import type { ActivityTelemetry } from '../../shared/telemetry/activity-metrics';

/**
 * Counts every failure under one Backend: the pipeline reports failures as `cpu`, since outside this Lambda
 * that is where they ran. Successes keep the backend their result names.
 */
export function failuresOnBackend(inner: ActivityTelemetry, backend: 'cpu' | 'triton'): ActivityTelemetry {
  return {
    succeeded: (result: AlignmentResult) => inner.succeeded(result),
    failed: (code: string) => inner.failed(code, backend),
  };
}
