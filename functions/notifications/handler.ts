import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import { ENV } from '../../shared/config.ts';
import {
  BucketSetupError,
  CustomResourceRequestError,
  DeployError,
  DestinationValidationError,
} from '../../shared/deploy/errors.ts';
import { METRICS_NAMESPACE } from '../../shared/runtime/observability.ts';
import { checkBucket, type StackPlace, stackAccountAndRegion } from './bucket-check.ts';
import {
  enableEventBridge,
  type NotificationS3,
  physicalIdOf,
  putOwnNotifications,
  readNotificationProperties,
  removeOwnNotifications,
} from './bucket-notification-store.ts';
import { sendCustomResourceResponse } from './cfn-response.ts';
import { checkNotifications, readNotificationChecks } from './check-notifications.ts';

/** What the custom resource handler needs. */
export interface NotificationsDeps {
  readonly s3: NotificationS3;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Milliseconds left before Lambda stops the invocation (`context.getRemainingTimeInMillis`). */
  readonly timeLeftMs: () => number;
  /** Where the details are, quoted in a FAILED reason (`context.logStreamName`). */
  readonly logStreamName: string;
  /** The function's region (`AWS_REGION`), used when the StackId names none. */
  readonly region: string;
  readonly send?: typeof sendCustomResourceResponse;
  /** Waits between attempts (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits between attempts at the S3 calls: a bucket's IAM policy is created right before its custom
 * resource and takes seconds to reach S3 (AccessDenied meanwhile); S3's test message right after the
 * queue policy is created fails now and then ("Unable to validate ..."); throttling passes too.
 */
const RETRY_DELAYS_MS = [2000, 4000, 8000, 16_000] as const;

/** Answer before Lambda's own timeout, so CloudFormation never waits for a response that cannot come. */
const SAFETY_MARGIN_MS = 3000;

/**
 * The physical id of a Create that failed. Its Delete (the rollback's) touches nothing, as the CDK's
 * provider framework does: a failed Create leaves nothing of ours behind (see `answerFailedCreate`),
 * and reading the bucket again would fail the same way and leave the stack in UPDATE_ROLLBACK_FAILED.
 */
export const CREATE_FAILED_PREFIX = 'invalidator:create-failed:';

type Outcome = { physicalId: string; data: Record<string, number> };

/**
 * Handles one CloudFormation custom resource request for an existing bucket's notifications:
 * Create and Update check the bucket (exists, this account, this region), then merge this stack's
 * queue entries into its configuration; Delete removes them; entries of others are never touched.
 * Always answers the pre-signed ResponseURL, SUCCESS or FAILED, also on timeout. Exported bare for tests.
 *
 * @returns the response sent to CloudFormation
 */
export async function handleNotificationsRequest(
  event: CloudFormationCustomResourceEvent,
  deps: NotificationsDeps,
): Promise<CloudFormationCustomResourceResponse> {
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let response: CloudFormationCustomResourceResponse;
  try {
    const work = withRetries(() => apply(event, deps), sleep);
    const outcome = await withDeadline(work, deps.timeLeftMs() - SAFETY_MARGIN_MS);
    response = { ...base, Status: 'SUCCESS', PhysicalResourceId: outcome.physicalId, Data: outcome.data };
    deps.log.info('custom resource done', { requestType: event.RequestType, physicalId: outcome.physicalId });
  } catch (error) {
    const reason = `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (log stream ${deps.logStreamName})`;
    deps.log.error('custom resource failed', { requestType: event.RequestType, error });
    if (event.RequestType === 'Create') await cleanUpFailedCreate(event, error, deps);
    const physicalId =
      event.RequestType === 'Create' ? `${CREATE_FAILED_PREFIX}${event.LogicalResourceId}` : event.PhysicalResourceId;
    response = { ...base, Status: 'FAILED', Reason: reason, PhysicalResourceId: physicalId };
  }
  await (deps.send ?? sendCustomResourceResponse)(event.ResponseURL, response);
  return response;
}

async function apply(event: CloudFormationCustomResourceEvent, deps: NotificationsDeps): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    const physicalId = event.PhysicalResourceId;
    if (physicalId.startsWith(CREATE_FAILED_PREFIX)) return { physicalId, data: { Removed: 0 } };
    let properties: ReturnType<typeof readNotificationProperties>;
    try {
      properties = readNotificationProperties(event.ResourceProperties);
    } catch (error) {
      // A resource whose properties never were valid created nothing, so there is nothing to delete.
      if (error instanceof CustomResourceRequestError) return { physicalId, data: { Removed: 0 } };
      throw error;
    }
    const owner = { bucket: properties.bucket, accountId: placeOf(event, deps, properties.stage).accountId };
    const removed = await removeOwnNotifications(deps.s3, owner, properties.idPrefix);
    return { physicalId, data: { Removed: removed } };
  }
  const properties = readNotificationProperties(event.ResourceProperties);
  const place = placeOf(event, deps, properties.stage);
  await checkBucket(deps.s3, properties.bucket, place);
  if (properties.delivery === 'eventbridge') {
    // The bucket's EventBridge switch stays on when the resource goes: other rules may read it.
    const removed = await enableEventBridge(deps.s3, properties, place.accountId);
    return { physicalId: physicalIdOf(properties), data: { Entries: 0, Removed: removed } };
  }
  // On Update to another bucket or prefix, the new physical id makes CloudFormation send a Delete
  // for the old one, which cleans the old bucket up.
  const outcome = await putOwnNotifications(deps.s3, properties, place.accountId);
  if (outcome.brokenForeignDestinations.length > 0) {
    deps.log.warn('other entries on the bucket point at destinations S3 cannot reach; wrote ours without the test', {
      bucket: properties.bucket,
      destinations: outcome.brokenForeignDestinations,
    });
  }
  return { physicalId: physicalIdOf(properties), data: { Entries: outcome.entries } };
}

function placeOf(event: CloudFormationCustomResourceEvent, deps: NotificationsDeps, stage: string): StackPlace {
  const stack = stackAccountAndRegion(event.StackId);
  if (stack === undefined) {
    throw new CustomResourceRequestError(`StackId: expected a CloudFormation stack ARN, got ${event.StackId}`);
  }
  return { accountId: stack.accountId, region: stack.region || deps.region, stage };
}

/**
 * A Create that failed after it may have written (a timeout during the write, a failure after it)
 * removes our entries once, best effort: the rollback deletes the queue and its Delete of this resource
 * touches nothing, so an entry left here would point at a deleted queue. A bucket that failed its
 * checks or properties that never were valid had nothing written.
 */
async function cleanUpFailedCreate(event: CloudFormationCustomResourceEvent, error: unknown, deps: NotificationsDeps) {
  if (error instanceof BucketSetupError || error instanceof CustomResourceRequestError) return;
  try {
    const properties = readNotificationProperties(event.ResourceProperties);
    const owner = { bucket: properties.bucket, accountId: placeOf(event, deps, properties.stage).accountId };
    const cleanup = removeOwnNotifications(deps.s3, owner, properties.idPrefix);
    await withDeadline(cleanup, Math.min(10_000, deps.timeLeftMs() - SAFETY_MARGIN_MS));
  } catch (cleanupError) {
    deps.log.warn('could not remove our entries after a failed Create', { error: cleanupError });
  }
}

async function withRetries<T>(work: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransient(error)) throw error;
      await sleep(delay);
    }
  }
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof DeployError)) return false;
  if (error instanceof DestinationValidationError) return error.retryable;
  return error.retryable || (error.cause instanceof Error && error.cause.name === 'AccessDenied');
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeployError(`expected the request to finish in ${Math.max(0, ms)} ms, got no result`, {
            retryable: true,
          }),
        ),
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// Cold start: one client, logger and metrics per container.
const s3 = new S3Client({});
const logger = new Logger({ serviceName: 'notifications' });
const stage = process.env[ENV.STAGE] ?? 'dev';
const checkMetrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: 'notifications',
  defaultDimensions: { stage },
  singleMetric: true,
});

/**
 * The deployed handler: CloudFormation's custom resource requests (answered on the ResponseURL), and
 * the scheduled `{"kind":"check"}` that counts our notification entries still present on the
 * existing buckets (metric NotificationEntriesMissing, zero included; serverless.yml alarms on it).
 */
export async function handler(
  event: CloudFormationCustomResourceEvent | { kind: 'check' },
  context: Context,
): Promise<void> {
  if (!('RequestType' in event)) {
    const accountId = context.invokedFunctionArn.split(':')[4] ?? '';
    const results = await checkNotifications(
      s3,
      readNotificationChecks(process.env[ENV.NOTIFICATION_CHECKS]),
      accountId,
    );
    const missing = results.reduce((sum, result) => sum + result.missing, 0);
    for (const result of results.filter((r) => r.missing > 0))
      logger.warn('notification entries missing', { ...result });
    checkMetrics.addMetric('NotificationEntriesMissing', MetricUnit.Count, missing);
    return;
  }
  await handleNotificationsRequest(event, {
    s3,
    log: logger,
    timeLeftMs: () => context.getRemainingTimeInMillis(),
    logStreamName: context.logStreamName,
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
}
