import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Log } from '../app/collect-batch.ts';

/** A bare SQS function: one settled result per record, in order. */
export type SettledSqsFunction = (event: SQSEvent) => Promise<PromiseSettledResult<unknown>[]>;

/**
 * Wraps a bare SQS function the way it is deployed: `@middy/sqs-partial-batch-failure` turns the
 * settled results into `batchItemFailures`, and Powertools flushes EMF metrics after each invocation.
 * The local stack and the tests use the same wrapper, so they exercise the deployed chain.
 */
export function wrapSqsFunction(
  fn: SettledSqsFunction,
  options: { log: Log; metrics?: Metrics },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  let chain = middy(fn);
  if (options.metrics !== undefined) chain = chain.use(logMetrics(options.metrics));
  chain = chain.use(
    sqsPartialBatchFailure({
      logger: (reason: unknown, record: { messageId?: string }) =>
        options.log.warn('record failed', { messageId: record.messageId, error: (reason as Error)?.name }),
    }),
  );
  const wrapped = chain as unknown as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
