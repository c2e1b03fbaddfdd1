import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type WatchOutcome, watchInvalidations } from '../../shared/app/watch-invalidation.ts';
import { loadConfig } from '../../shared/config.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createObservability, toLog } from '../../shared/runtime/observability.ts';
import { wrapSqsFunction } from '../../shared/runtime/sqs-handler.ts';
import { createWatcherDeps } from '../../shared/runtime/watcher-function.ts';

// Everything below runs once per container (cold start): config validated, clients created.
const config = loadConfig();
const { logger, metrics } = createObservability('watcher', config.stage);
const deps = createWatcherDeps({
  config,
  clients: {
    dynamo: createDocumentClient(),
    cloudFront: createCloudFrontClient(),
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
  },
  log: toLog(logger),
  metrics: {
    count: (name, value) => {
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
    latency: (ms) => metrics.addMetric('InvalidationLatency', MetricUnit.Milliseconds, ms),
  },
});

/** The bare handler: one settled result per record (exported for tests). */
export async function watch(event: SQSEvent): Promise<PromiseSettledResult<WatchOutcome | undefined>[]> {
  return watchInvalidations(event.Records, deps);
}

/** The deployed handler: partial batch responses, EMF metrics. */
export const handler = wrapSqsFunction(watch, { log: deps.log, metrics });
