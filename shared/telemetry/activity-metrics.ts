import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { isSuspectResult } from '../align/alignment-quality';
import type { AlignmentResult } from '../output/result';
import { errorCodeMetric, FAILURE_RECORDS_LOST } from './metric-names';

/** Where activity outcomes are counted. */
export interface ActivityTelemetry {
  succeeded(result: AlignmentResult): void;
  /** A failed activity; `recordLost` when its failure record could not be written. */
  failed(code: string, backend: 'cpu' | 'triton', recordLost?: boolean): void;
}

/**
 * The activity metrics of docs/metrics.md through Powertools Metrics (EMF on stdout), one EMF document per
 * activity: the Backend dimension differs between activities of one invocation, and Powertools keeps one
 * dimension set per flush.
 */
export class ActivityMetrics implements ActivityTelemetry {
  public constructor(private readonly options: { namespace: string; serviceName: string }) {}

  /** Emits the per-activity metrics of a successful activity. */
  public succeeded(result: AlignmentResult): void {
    const { stats } = result;
    this.publish(result.model.backend, (metrics) => {
      metrics.addMetric('ActivitySuccess', MetricUnit.Count, 1);
      metrics.addMetric('AlignFailure', MetricUnit.Count, 0);
      metrics.addMetric('AudioDurationSeconds', MetricUnit.Seconds, result.audio.durationSec);
      metrics.addMetric('DownloadMs', MetricUnit.Milliseconds, stats.downloadMs);
      metrics.addMetric('InferenceMs', MetricUnit.Milliseconds, stats.inferenceMs);
      metrics.addMetric('AlignMs', MetricUnit.Milliseconds, stats.alignMs);
      metrics.addMetric('RealTimeFactor', MetricUnit.NoUnit, stats.realTimeFactor);
      metrics.addMetric('WordsTotal', MetricUnit.Count, stats.wordsTotal);
      metrics.addMetric('WordsAligned', MetricUnit.Count, stats.wordsAligned);
      metrics.addMetric('WordsUnaligned', MetricUnit.Count, stats.wordsUnaligned);
      metrics.addMetric('SkippedTokens', MetricUnit.Count, stats.skippedTokens.length);
      metrics.addMetric('MeanWordScore', MetricUnit.NoUnit, stats.meanWordScore);
      metrics.addMetric('LowScoreWords', MetricUnit.Count, stats.lowScoreWords);
      // 0 or 1 per activity, so its Sum counts the results that look wrong and its Average is their share.
      metrics.addMetric('SuspectAlignment', MetricUnit.Count, isSuspectResult(result) ? 1 : 0);
    });
  }

  /**
   * Emits the failure metrics: ActivitySuccess=0, AlignFailure=1 and the error-code count, plus
   * FailureRecordsLost=1 when the failure record could not be written (an alarm watches it).
   */
  public failed(code: string, backend: 'cpu' | 'triton', recordLost = false): void {
    this.publish(backend, (metrics) => {
      metrics.addMetric('ActivitySuccess', MetricUnit.Count, 0);
      metrics.addMetric('AlignFailure', MetricUnit.Count, 1);
      metrics.addMetric(errorCodeMetric(code), MetricUnit.Count, 1);
      if (recordLost) metrics.addMetric(FAILURE_RECORDS_LOST, MetricUnit.Count, 1);
    });
  }

  private publish(backend: 'cpu' | 'triton', add: (metrics: Metrics) => void): void {
    const metrics = new Metrics({
      namespace: this.options.namespace,
      serviceName: this.options.serviceName,
      defaultDimensions: { Backend: backend },
    });
    add(metrics);
    metrics.publishStoredMetrics();
  }
}
