import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { loadConfig } from '../../shared/config.ts';
import { createCloudFrontClient, createDocumentClient } from '../../shared/runtime/clients.ts';
import { createCollectorFunction, DRAIN_EVENT_KIND } from '../../shared/runtime/collector-function.ts';
import { createObservability, toLog, toMetricSink } from '../../shared/runtime/observability.ts';

// Runs once per container (cold start): config validated, clients created, routes compiled.
const config = loadConfig();
const { logger, metrics } = createObservability('collector', config.stage);
const collector = createCollectorFunction({
  config,
  clients: {
    dynamo: createDocumentClient(),
    cloudFront: createCloudFrontClient(),
    sqs: new SQSClient({}),
    s3: new S3Client({ forcePathStyle: config.s3ForcePathStyle }),
  },
  log: toLog(logger),
  metrics: toMetricSink(metrics, config.stage),
  powertoolsMetrics: metrics,
});

/** The bare handler: one settled result per record (for tests). */
export const collect = collector.collect;

/**
 * The deployed handler: SQS batches (partial batch responses, EMF metrics), and the schedule's
 * `{ "kind": "drain-pending" }` event, which drains the pending set (serverless.yml, every minute).
 */
export const handler = (event: SQSEvent | { readonly kind?: unknown }) =>
  'kind' in event && event.kind === DRAIN_EVENT_KIND ? collector.drain() : collector.handler(event as SQSEvent);
