import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log, MetricSink } from '../app/collect-batch.ts';

/** Namespace of every metric the service emits. */
export const METRICS_NAMESPACE = 'CloudFrontInvalidator';

/**
 * Powertools logger and metrics for one function. Logs are structured JSON with message ids and
 * never payloads; metrics are EMF, flushed by the `logMetrics` middleware.
 */
export function createObservability(serviceName: string, stage: string): { logger: Logger; metrics: Metrics } {
  const logger = new Logger({ serviceName, persistentKeys: { stage } });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName, defaultDimensions: { stage } });
  return { logger, metrics };
}

/** The use cases' `Log` over a Powertools logger. */
export function toLog(logger: Logger): Log {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

/**
 * The `service` dimension of the budget level. Every function that reserves paths (collector,
 * pipeline) emits BudgetLeft under it, so the one budget alarm (serverless.yml BudgetAlarm) sees them
 * all; under each function's own service name the alarm would miss the pipeline's.
 */
export const BUDGET_METRIC_SERVICE = 'budget';

/** Metrics that are levels, not counts: zero is news (the budget alarm at 100% waits for BudgetLeft = 0). */
const LEVEL_METRICS: ReadonlySet<string> = new Set(['BudgetLeft']);

/**
 * The use cases' `MetricSink` over Powertools metrics. Zero counts are dropped (nothing happened);
 * levels (BudgetLeft) are always emitted, at once, under the stage-wide `service=budget` dimension.
 *
 * @param metrics - the function's metrics (flushed by the `logMetrics` middleware)
 * @param stage - the `stage` dimension of the levels
 */
export function toMetricSink(metrics: Metrics, stage: string): MetricSink {
  // A single-metric instance flushes each value at once, under its own service dimension.
  const levels = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: BUDGET_METRIC_SERVICE,
    defaultDimensions: { stage },
    singleMetric: true,
  });
  return {
    count: (name, value) => {
      if (LEVEL_METRICS.has(name)) {
        levels.addMetric(name, MetricUnit.Count, value);
        return;
      }
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
  };
}
