import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SYSTEM_ERROR_CODES } from '../../shared/errors';
import { errorCodeMetric, FAILURE_RECORDS_LOST } from '../../shared/telemetry/metric-names';

/** The Triton health signals the dashboard and alarms watch. */
export interface TritonHealth {
  healthy: cloudwatch.IMetric;
  unhealthy: cloudwatch.IMetric;
  /** Tasks the service wants but does not have running. */
  shortfall: cloudwatch.IMetric;
  /** With scale-to-zero, no healthy task is normal; only unhealthy ones raise the alarm. */
  scaleToZero: boolean;
}

/** What the dashboard and alarms watch. */
export interface AlignmentObservabilityProps {
  /** EMF namespace and `service` dimension, as the pipeline emits them (shared/telemetry/activity-metrics). */
  namespace: string;
  serviceName: string;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  functions: Record<string, lambda.IFunction>;
  stateMachines: Record<string, sfn.IStateMachine>;
  /** The backends this stack runs: the CPU one always, Triton with a GPU branch. */
  backends: ReadonlyArray<'cpu' | 'triton'>;
  triton?: TritonHealth | undefined;
  /** An SNS topic every alarm notifies; none: the alarms are on the dashboard and in the console only. */
  alarmTopicArn?: string | undefined;
}

const PERIOD = Duration.minutes(5);

/**
 * A CloudWatch dashboard of the activity metrics of docs/metrics.md (per backend) and of the queue, functions,
 * state machines and Triton; alarms on system failures (never on users' bad files), dead letters and Triton
 * health.
 */
export class AlignmentObservability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: AlignmentObservabilityProps;

  public constructor(scope: Construct, id: string, props: AlignmentObservabilityProps) {
    super(scope, id);
    this.props = props;
    const signals = {
      failureRate: this.failureRate(),
      recordsLost: this.sumOverBackends('lost', FAILURE_RECORDS_LOST, 'failure records not written'),
      deadLetters: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
    };
    this.alarmOnSystemFailures();
    this.alarmOnLostWork(signals.recordsLost, signals.deadLetters);
    if (props.triton !== undefined) this.alarmOnTriton(props.triton);
    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(topic));
    }
    this.dashboard = this.createDashboard(signals);
  }

  /** One activity metric (docs/metrics.md) of one backend, as the pipeline emits it. */
  private activity(metricName: string, backend: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.namespace,
      metricName,
      dimensionsMap: { service: this.props.serviceName, Backend: backend },
      statistic,
      period: PERIOD,
      label: `${metricName} ${backend}`,
    });
  }

  private perBackend(metricName: string, statistic: string): cloudwatch.Metric[] {
    return this.props.backends.map((backend) => this.activity(metricName, backend, statistic));
  }

  /** The Sum of one activity metric over the backends the stack runs, missing data as 0. */
  private sumOverBackends(id: string, metricName: string, label: string): cloudwatch.MathExpression {
    const { backends } = this.props;
    return new cloudwatch.MathExpression({
      expression: backends.map((backend) => `FILL(${id}${backend}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(
        backends.map((backend) => [`${id}${backend}`, this.activity(metricName, backend, 'Sum')]),
      ),
      period: PERIOD,
      label,
    });
  }

  /** Every activity emits AlignFailure 0 or 1, so failures over samples is the failure share. */
  private failureRate(): cloudwatch.MathExpression {
    const { backends } = this.props;
    return new cloudwatch.MathExpression({
      expression: `(${backends.map((b) => `FILL(f${b}, 0)`).join(' + ')}) / (${backends
        .map((b) => `FILL(n${b}, 0)`)
        .join(' + ')})`,
      usingMetrics: Object.fromEntries(
        backends.flatMap((backend) => [
          [`f${backend}`, this.activity('AlignFailure', backend, 'Sum')],
          [`n${backend}`, this.activity('AlignFailure', backend, 'SampleCount')],
        ]),
      ),
      period: Duration.minutes(15),
      label: 'failure share',
    });
  }

  /** A metric-math alarm takes at most 10 metrics: one alarm per backend over its system-failure codes. */
  private alarmOnSystemFailures(): void {
    for (const backend of this.props.backends) {
      this.alarm(`SystemFailures${backend === 'cpu' ? 'Cpu' : 'Triton'}`, {
        metric: new cloudwatch.MathExpression({
          expression: SYSTEM_ERROR_CODES.map((code) => `FILL(${code.toLowerCase()}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(
            SYSTEM_ERROR_CODES.map((code) => [
              code.toLowerCase(),
              this.activity(errorCodeMetric(code), backend, 'Sum'),
            ]),
          ),
          period: PERIOD,
          label: `system failures ${backend}`,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription:
          `Activities on ${backend} failed for a system reason (${SYSTEM_ERROR_CODES.join(', ')}); ` +
          "failed/ holds their records. Users' bad files (AUDIO_DECODE and kin) do not count.",
      });
    }
  }

  /** Work that left no record: a failure record S3 refused, a message that exhausted its receives. */
  private alarmOnLostWork(recordsLost: cloudwatch.IMetric, deadLetters: cloudwatch.IMetric): void {
    this.alarm('DeadLetters', {
      metric: deadLetters,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'Ingest messages exhausted their receives; inspect and redrive the dead-letter queue.',
    });
    this.alarm('FailureRecordsLost', {
      metric: recordsLost,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'A failed activity could not write its failure record (S3 refused it through every retry); the logs ' +
        'hold the failure, and the input is unchanged, so rerunning the file is safe.',
    });
  }

  private alarmOnTriton(triton: TritonHealth): void {
    this.alarm('TritonUnhealthy', {
      metric: triton.unhealthy,
      threshold: 1,
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'A Triton task failed /v2/health/ready for 5 minutes (model load or GPU trouble).',
    });
    this.alarm('TritonTasksNotRunning', {
      metric: triton.shortfall,
      // Averaged per minute, a task that crash-loops is running for a fraction of each minute.
      threshold: 0.5,
      // A cold start (instance, image pull, model load) keeps a wanted task from running for up to ~15 minutes.
      evaluationPeriods: 25,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'ECS has wanted more Triton tasks than it runs for 25 minutes: a task that cannot start or keeps ' +
        'exiting (model repository, image pull, GPU capacity); the service events say why.',
    });
    if (!triton.scaleToZero) {
      this.alarm('TritonDown', {
        metric: triton.healthy,
        threshold: 1,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: 'No healthy Triton task for 5 minutes: GPU-branch files wait and then fail.',
      });
    }
  }

  private createDashboard(signals: {
    failureRate: cloudwatch.IMetric;
    recordsLost: cloudwatch.IMetric;
    deadLetters: cloudwatch.IMetric;
  }): cloudwatch.Dashboard {
    const { props } = this;
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
    const perBackend = (metricName: string, statistic: string) => this.perBackend(metricName, statistic);
    const functions = Object.entries(props.functions);
    const machines = Object.entries(props.stateMachines);
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    dashboard.addWidgets(
      graph('Activities (succeeded / failed)', [
        ...perBackend('ActivitySuccess', 'Sum'),
        ...perBackend('AlignFailure', 'Sum'),
      ]),
      graph('Failure share', [signals.failureRate], [signals.recordsLost]),
      new cloudwatch.GraphWidget({
        title: 'Failures by error code',
        left: [
          // Unquoted, the term matches the metric-name token "Error" of every Error_<CODE> metric.
          new cloudwatch.SearchExpression({
            expression: `SEARCH('{${props.namespace},Backend,service} MetricName=Error', 'Sum', 300)`,
            label: '',
          }),
        ],
        width: 8,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      graph('Audio seconds aligned', perBackend('AudioDurationSeconds', 'Sum')),
      graph('Stage time p90 (ms)', [
        ...perBackend('DownloadMs', 'p90'),
        ...perBackend('InferenceMs', 'p90'),
        ...perBackend('AlignMs', 'p90'),
      ]),
      graph('Real-time factor (p50 / p90)', [
        ...perBackend('RealTimeFactor', 'p50'),
        ...perBackend('RealTimeFactor', 'p90'),
      ]),
    );
    dashboard.addWidgets(
      graph('Words', [
        ...perBackend('WordsTotal', 'Sum'),
        ...perBackend('WordsAligned', 'Sum'),
        ...perBackend('WordsUnaligned', 'Sum'),
      ]),
      graph('Confidence', perBackend('MeanWordScore', 'Average'), [
        ...perBackend('LowScoreWords', 'Sum'),
        ...perBackend('SkippedTokens', 'Sum'),
        ...perBackend('SuspectAlignment', 'Sum'),
      ]),
      graph(
        'Ingest queue',
        [
          props.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
          signals.deadLetters,
        ],
        [props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' })],
      ),
    );
    dashboard.addWidgets(
      graph(
        'Lambda errors and throttles',
        functions.flatMap(([name, fn]) => [
          fn.metricErrors({ period: PERIOD, label: `${name} errors` }),
          fn.metricThrottles({ period: PERIOD, label: `${name} throttles` }),
        ]),
      ),
      graph(
        'Lambda duration p90',
        functions.map(([name, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'p90', label: name })),
      ),
      graph(
        'State machine executions',
        machines.flatMap(([name, machine]) => [
          machine.metricStarted({ period: PERIOD, label: `${name} started` }),
          machine.metricFailed({ period: PERIOD, label: `${name} failed` }),
        ]),
      ),
    );
    if (props.triton !== undefined) {
      dashboard.addWidgets(
        graph(
          'Triton tasks (healthy / unhealthy / wanted but not running)',
          [props.triton.healthy, props.triton.unhealthy],
          [props.triton.shortfall],
        ),
      );
    }
    return dashboard;
  }

  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
  ) {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
      }),
    );
  }
}
