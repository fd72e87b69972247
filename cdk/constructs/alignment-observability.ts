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
  triton?: TritonHealth;
  /** An SNS topic every alarm notifies; none: the alarms are on the dashboard and in the console only. */
  alarmTopicArn?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * A CloudWatch dashboard of the SPEC §6 activity metrics (per backend) and of the queue, functions, state
 * machines and Triton; alarms on system failures (never on users' bad files), dead letters and Triton health.
 */
export class AlignmentObservability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];

  public constructor(scope: Construct, id: string, props: AlignmentObservabilityProps) {
    super(scope, id);
    const activity = (metricName: string, backend: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { service: props.serviceName, Backend: backend },
        statistic,
        period: PERIOD,
        label: `${metricName} ${backend}`,
      });
    const perBackend = (metricName: string, statistic: string): cloudwatch.Metric[] =>
      props.backends.map((backend) => activity(metricName, backend, statistic));

    const failures = Object.fromEntries(
      props.backends.flatMap((backend) => [
        [`f${backend}`, activity('AlignFailure', backend, 'Sum')],
        [`n${backend}`, activity('AlignFailure', backend, 'SampleCount')],
      ]),
    );
    const failureRate = new cloudwatch.MathExpression({
      // Every activity emits AlignFailure 0 or 1, so failures over samples is the failure share.
      expression: `(${props.backends.map((b) => `FILL(f${b}, 0)`).join(' + ')}) / (${props.backends
        .map((b) => `FILL(n${b}, 0)`)
        .join(' + ')})`,
      usingMetrics: failures,
      period: Duration.minutes(15),
      label: 'failure share',
    });
    // A metric-math alarm takes at most 10 metrics: one alarm per backend over its system-failure codes.
    for (const backend of props.backends) {
      this.alarm(`SystemFailures${backend === 'cpu' ? 'Cpu' : 'Triton'}`, {
        metric: new cloudwatch.MathExpression({
          expression: SYSTEM_ERROR_CODES.map((code) => `FILL(${code.toLowerCase()}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(
            SYSTEM_ERROR_CODES.map((code) => [
              code.toLowerCase(),
              activity(errorCodeMetric(code), backend, 'Sum'),
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
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.alarm('DeadLetters', {
      metric: deadLetters,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'Ingest messages exhausted their receives; inspect and redrive the dead-letter queue.',
    });
    const recordsLost = new cloudwatch.MathExpression({
      expression: props.backends.map((backend) => `FILL(lost${backend}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(
        props.backends.map((backend) => [`lost${backend}`, activity(FAILURE_RECORDS_LOST, backend, 'Sum')]),
      ),
      period: PERIOD,
      label: 'failure records not written',
    });
    this.alarm('FailureRecordsLost', {
      metric: recordsLost,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'A failed activity could not write its failure record (S3 refused it through every retry); the logs ' +
        'hold the failure, and the input is unchanged, so rerunning the file is safe.',
    });
    if (props.triton !== undefined) {
      this.alarm('TritonUnhealthy', {
        metric: props.triton.unhealthy,
        threshold: 1,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: 'A Triton task failed /v2/health/ready for 5 minutes (model load or GPU trouble).',
      });
      this.alarm('TritonTasksNotRunning', {
        metric: props.triton.shortfall,
        // Averaged per minute, a task that crash-loops is running for a fraction of each minute.
        threshold: 0.5,
        // A cold start (instance, image pull, model load) keeps a wanted task from running for up to ~15 minutes.
        evaluationPeriods: 25,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription:
          'ECS has wanted more Triton tasks than it runs for 25 minutes: a task that cannot start or keeps ' +
          'exiting (model repository, image pull, GPU capacity); the service events say why.',
      });
      if (!props.triton.scaleToZero) {
        this.alarm('TritonDown', {
          metric: props.triton.healthy,
          threshold: 1,
          evaluationPeriods: 5,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          alarmDescription: 'No healthy Triton task for 5 minutes: GPU-branch files wait and then fail.',
        });
      }
    }
    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(topic));
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
    const functions = Object.entries(props.functions);
    const machines = Object.entries(props.stateMachines);
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph('Activities (succeeded / failed)', [
        ...perBackend('ActivitySuccess', 'Sum'),
        ...perBackend('AlignFailure', 'Sum'),
      ]),
      graph('Failure share', [failureRate], [recordsLost]),
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
    this.dashboard.addWidgets(
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
    this.dashboard.addWidgets(
      graph('Words', [
        ...perBackend('WordsTotal', 'Sum'),
        ...perBackend('WordsAligned', 'Sum'),
        ...perBackend('WordsUnaligned', 'Sum'),
      ]),
      graph('Confidence', perBackend('MeanWordScore', 'Average'), [
        ...perBackend('LowScoreWords', 'Sum'),
        ...perBackend('SkippedTokens', 'Sum'),
      ]),
      graph(
        'Ingest queue',
        [
          props.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
          deadLetters,
        ],
        [props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' })],
      ),
    );
    this.dashboard.addWidgets(
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
      this.dashboard.addWidgets(
        graph(
          'Triton tasks (healthy / unhealthy / wanted but not running)',
          [props.triton.healthy, props.triton.unhealthy],
          [props.triton.shortfall],
        ),
      );
    }
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
