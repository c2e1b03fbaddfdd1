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

/** The use cases' `MetricSink` over Powertools metrics (counts only; zero values are dropped). */
export function toMetricSink(metrics: Metrics): MetricSink {
  return {
    count: (name, value) => {
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
  };
}
