/** Units CloudWatch accepts in an EMF metric definition. */
const VALID_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

type Json = Record<string, unknown>;

/**
 * Checks one log line against the CloudWatch embedded metric format specification and returns the problems
 * (empty when valid): `_aws` with a millisecond Timestamp and CloudWatchMetrics directives, each with a
 * Namespace, dimension sets (<= 30 keys) whose keys are string members, and <= 100 metrics whose names are
 * numeric members (<= 100 values) with valid units.
 */
export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let root: Json;
  try {
    root = JSON.parse(line) as Json;
  } catch {
    return ['not JSON'];
  }
  const aws = root._aws as Json | undefined;
  if (aws === undefined || typeof aws !== 'object') return ['no _aws metadata'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp))
    problems.push('Timestamp is not integer ms');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length === 0)
    return [...problems, 'no CloudWatchMetrics directive'];
  for (const directive of directives as Json[]) {
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 255)
      problems.push('bad Namespace');
    const dimensionSets = directive.Dimensions;
    if (!Array.isArray(dimensionSets)) problems.push('Dimensions is not an array');
    for (const set of (dimensionSets ?? []) as unknown[]) {
      if (!Array.isArray(set) || set.length > 30)
        problems.push('a dimension set is not an array of <= 30 keys');
      for (const key of (set ?? []) as unknown[]) {
        if (typeof key !== 'string' || typeof root[key] !== 'string' || root[key] === '') {
          problems.push(`dimension ${String(key)} has no string value`);
        }
      }
    }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics) || metrics.length === 0 || metrics.length > 100) {
      problems.push('Metrics must list 1 to 100 metrics');
      continue;
    }
    for (const metric of metrics as Json[]) {
      const name = metric.Name;
      if (typeof name !== 'string' || name.length === 0 || name.length > 255) {
        problems.push('a metric has no valid Name');
        continue;
      }
      if (metric.Unit !== undefined && !VALID_UNITS.has(metric.Unit as string))
        problems.push(`${name}: invalid unit`);
      const value = root[name];
      const values = Array.isArray(value) ? value : [value];
      if (
        values.length === 0 ||
        values.length > 100 ||
        !values.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        problems.push(`${name}: value missing or not numeric`);
      }
    }
  }
  return problems;
}
