import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import { CustomResourceRequestError, DeployError } from '../../shared/deploy/errors.ts';
import {
  type NotificationProperties,
  type NotificationS3,
  physicalIdOf,
  putOwnNotifications,
  readNotificationProperties,
  removeOwnNotifications,
} from './bucket-notification-store.ts';
import { sendCustomResourceResponse } from './cfn-response.ts';

/** What the custom resource handler needs. */
export interface NotificationsDeps {
  readonly s3: NotificationS3;
  readonly log: Pick<Logger, 'info' | 'error'>;
  /** Milliseconds left before Lambda stops the invocation (`context.getRemainingTimeInMillis`). */
  readonly timeLeftMs: () => number;
  /** Where the details are, quoted in a FAILED reason (`context.logStreamName`). */
  readonly logStreamName: string;
  readonly send?: typeof sendCustomResourceResponse;
  /** Waits between attempts (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits between attempts at the S3 calls. A bucket's IAM policy is created right before its custom
 * resource, and IAM takes a few seconds to reach S3 (AccessDenied meanwhile); throttling passes too.
 */
const RETRY_DELAYS_MS = [2000, 4000, 8000] as const;

/** Answer before Lambda's own timeout, so CloudFormation never waits for a response that cannot come. */
const SAFETY_MARGIN_MS = 3000;

type Outcome = { physicalId: string; data: Record<string, number> };

/**
 * Handles one CloudFormation custom resource request for an existing bucket's notifications:
 * Create and Update merge this stack's queue entries into the bucket's configuration, Delete removes
 * them; entries of others are never touched. Always answers the pre-signed ResponseURL, SUCCESS or
 * FAILED, also on timeout. Exported bare for tests.
 *
 * @returns the response sent to CloudFormation
 */
export async function handleNotificationsRequest(
  event: CloudFormationCustomResourceEvent,
  deps: NotificationsDeps,
): Promise<CloudFormationCustomResourceResponse> {
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  const fallbackId =
    event.RequestType === 'Create' ? `${event.LogicalResourceId}-not-created` : event.PhysicalResourceId;
  let response: CloudFormationCustomResourceResponse;
  try {
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const work = withRetries(() => apply(event, deps), sleep);
    const outcome = await withDeadline(work, deps.timeLeftMs() - SAFETY_MARGIN_MS);
    response = { ...base, Status: 'SUCCESS', PhysicalResourceId: outcome.physicalId, Data: outcome.data };
    deps.log.info('custom resource done', { requestType: event.RequestType, physicalId: outcome.physicalId });
  } catch (error) {
    const reason = `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (log stream ${deps.logStreamName})`;
    deps.log.error('custom resource failed', { requestType: event.RequestType, error });
    response = { ...base, Status: 'FAILED', Reason: reason, PhysicalResourceId: idOrFallback(event, fallbackId) };
  }
  await (deps.send ?? sendCustomResourceResponse)(event.ResponseURL, response);
  return response;
}

async function apply(event: CloudFormationCustomResourceEvent, deps: NotificationsDeps): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    let properties: NotificationProperties;
    try {
      properties = readNotificationProperties(event.ResourceProperties);
    } catch (error) {
      // A resource whose properties never were valid created nothing, so there is nothing to delete.
      if (error instanceof CustomResourceRequestError) return { physicalId: event.PhysicalResourceId, data: {} };
      throw error;
    }
    const removed = await removeOwnNotifications(deps.s3, properties.bucket, properties.idPrefix);
    return { physicalId: event.PhysicalResourceId, data: { Removed: removed } };
  }
  const properties = readNotificationProperties(event.ResourceProperties);
  // On Update to another bucket or prefix, the new physical id makes CloudFormation send a Delete
  // for the old one, which cleans the old bucket up.
  const entries = await putOwnNotifications(deps.s3, properties);
  return { physicalId: physicalIdOf(properties), data: { Entries: entries } };
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
  return error.retryable || (error.cause instanceof Error && error.cause.name === 'AccessDenied');
}

function idOrFallback(event: CloudFormationCustomResourceEvent, fallbackId: string): string {
  if (event.RequestType !== 'Create') return fallbackId;
  try {
    return physicalIdOf(readNotificationProperties(event.ResourceProperties));
  } catch {
    return fallbackId;
  }
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

// Cold start: one client and logger per container.
const s3 = new S3Client({});
const logger = new Logger({ serviceName: 'notifications' });

/** The deployed handler (CloudFormation invokes it asynchronously; the answer goes to the ResponseURL). */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await handleNotificationsRequest(event, {
    s3,
    log: logger,
    timeLeftMs: () => context.getRemainingTimeInMillis(),
    logStreamName: context.logStreamName,
  });
}
