/**
 * A reading of how CloudWatch turns Embedded Metric Format log lines into metrics and how a static
 * threshold alarm judges them, written from AWS's docs, independently of the code that emits them:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * An alarm watches one metric: namespace, name and exactly its dimension set (no more, no fewer).
 */

/** One data point CloudWatch extracts from an EMF line. */
export interface Datapoint {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The properties of an AWS::CloudWatch::Alarm with a single static-threshold metric. */
export interface AlarmProperties {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: readonly { Name: string; Value: string }[];
  readonly Statistic: 'Minimum' | 'Maximum' | 'Sum' | 'Average' | 'SampleCount';
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData?: string;
}

/** Every data point in a list of stdout lines (lines that are not EMF JSON are ignored). */
export function datapointsFromEmf(lines: readonly string[]): Datapoint[] {
  const points: Datapoint[] = [];
  for (const line of lines) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    const directives = (record._aws as { CloudWatchMetrics?: unknown[] } | undefined)?.CloudWatchMetrics ?? [];
    for (const directive of directives as {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string }[];
    }[]) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((key) => [key, String(record[key])]));
        for (const metric of directive.Metrics) {
          const values = record[metric.Name];
          for (const value of Array.isArray(values) ? values : [values]) {
            if (typeof value === 'number') {
              points.push({ namespace: directive.Namespace, name: metric.Name, dimensions, value });
            }
          }
        }
      }
    }
  }
  return points;
}

/**
 * The state of an alarm with one evaluation period, given the data points of that period.
 *
 * @returns ALARM or OK; missing data is judged by TreatMissingData (default: missing)
 */
export function evaluateAlarm(
  alarm: AlarmProperties,
  points: readonly Datapoint[],
): 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' {
  const wanted = Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const sameDimensions = (dimensions: Readonly<Record<string, string>>) =>
    Object.keys(dimensions).length === Object.keys(wanted).length &&
    Object.entries(wanted).every(([key, value]) => dimensions[key] === value);
  const values = points
    .filter((p) => p.namespace === alarm.Namespace && p.name === alarm.MetricName && sameDimensions(p.dimensions))
    .map((p) => p.value);
  if (values.length === 0) {
    const missing = alarm.TreatMissingData ?? 'missing';
    if (missing === 'breaching') return 'ALARM';
    if (missing === 'notBreaching') return 'OK';
    return 'INSUFFICIENT_DATA';
  }
  const statistic = {
    Minimum: Math.min(...values),
    Maximum: Math.max(...values),
    Sum: values.reduce((a, b) => a + b, 0),
    Average: values.reduce((a, b) => a + b, 0) / values.length,
    SampleCount: values.length,
  }[alarm.Statistic];
  const compare: Record<string, (a: number, b: number) => boolean> = {
    GreaterThanOrEqualToThreshold: (a, b) => a >= b,
    GreaterThanThreshold: (a, b) => a > b,
    LessThanThreshold: (a, b) => a < b,
    LessThanOrEqualToThreshold: (a, b) => a <= b,
  };
  const op = compare[alarm.ComparisonOperator];
  if (op === undefined) throw new Error(`expected a static threshold operator, got ${alarm.ComparisonOperator}`);
  return op(statistic, alarm.Threshold) ? 'ALARM' : 'OK';
}
