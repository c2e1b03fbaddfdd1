import { type ApiCall, readApiCall } from '../domain/api-call-events.ts';
import {
  CHANGE_SOURCE,
  completionNotice,
  type DeploymentFacts,
  deployedNotice,
  deployTimeoutNotice,
  type InvalidationFacts,
  NOTICE_KIND,
  timeoutNotice,
} from '../domain/notices.ts';
import { isServiceCallerReference } from '../domain/unit-of-work.ts';
import { decideAfterInProgress } from '../domain/watch-policy.ts';
import { WatchMessageError } from './watch-errors.ts';
import type { WatchOutcome } from './watch-invalidation.ts';
import { markSlot, notifyOnce } from './watch-notify.ts';
import type { EdgeWatchMessage, WatchDeps } from './watch-ports.ts';

const EDGE_KINDS = new Set(['outside-invalidation', 'deployment']);

/** True when a watch queue body is a check of an outside invalidation or a deployment. */
export function isEdgeCheck(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && EDGE_KINDS.has(String((body as Record<string, unknown>).kind));
}

/**
 * Starts watching what a CloudTrail event reports: an invalidation made by anyone but this service (its
 * own carry an `inv-` CallerReference and are followed through the ledger), or a distribution change.
 * Checks at once: the event may arrive after the change completed. Calls on distributions this stage
 * does not watch (IAM names its distributions) and failed calls are acknowledged and logged.
 *
 * @param event - the EventBridge event
 * @param claimer - the SQS message id
 * @param deps - adapters, policy and clock
 */
export async function followApiCall(
  event: Record<string, unknown>,
  claimer: string,
  deps: WatchDeps,
): Promise<WatchOutcome> {
  const call = readApiCall(event);
  if (call.kind === 'ignored') return notWatched(call.reason, {}, deps);
  if (!deps.isWatched(call.distributionId)) {
    return notWatched('not a distribution of this stage', { distributionId: call.distributionId }, deps);
  }
  if (call.kind === 'invalidation' && isServiceCallerReference(call.callerReference)) {
    return notWatched('issued by this service (the ledger watch follows it)', idsOf(firstCheck(call)), deps);
  }
  return followEdgeCheck(firstCheck(call), claimer, deps);
}

/**
 * One check of an outside invalidation or a deployment: notifies once when CloudFront says Completed /
 * Deployed, otherwise schedules the next check (one scheduler per attempt) or, past the wait, notifies
 * once that it did not finish.
 *
 * @throws WatchMessageError (not retryable) for a body that is no such check; adapter errors
 */
export async function followEdgeCheck(raw: unknown, claimer: string, deps: WatchDeps): Promise<WatchOutcome> {
  const message = parseEdgeCheck(raw);
  const key = keyOf(message);
  const slot = markSlot(key, idsOf(message), deps);
  const deployment = message.kind === 'deployment';
  const done = deployment
    ? (await deps.distributions.getDistribution(message.distributionId)).status === 'Deployed'
    : (await deps.invalidations.getInvalidation(message.distributionId, message.invalidationId)).status === 'Completed';
  const now = deps.now();
  if (done) {
    const latencyMs = Math.max(0, now - message.since);
    const notification = await notifyOnce(
      slot,
      deployment ? NOTICE_KIND.deployed : NOTICE_KIND.completed,
      async () =>
        message.kind === 'deployment'
          ? deployedNotice(deploymentFacts(message), latencyMs)
          : completionNotice(invalidationFacts(message), latencyMs),
      claimer,
      deps,
    );
    if (notification === 'sent')
      deps.metrics.count(deployment ? 'DeploymentCompleted' : 'OutsideInvalidationCompleted', 1);
    return { kind: deployment ? 'deployed' : 'completed', notification };
  }
  const schedule = deployment ? deps.deploySchedule : deps.schedule;
  const decision = decideAfterInProgress({ attempt: message.attempt, sinceMs: message.since }, now, schedule);
  if (decision.kind === 'recheck') {
    if (!(await deps.marks.claimCheck(key, decision.attempt, claimer, now))) {
      deps.log.info('duplicate check dropped', { ...idsOf(message), attempt: message.attempt });
      return { kind: 'duplicate-check' };
    }
    await deps.queue.send({ ...message, attempt: decision.attempt }, decision.delaySeconds);
    deps.metrics.count('WatchRechecks', 1);
    return { kind: 'rescheduled', attempt: decision.attempt, delaySeconds: decision.delaySeconds };
  }
  deps.log.error(deployment ? 'deployment timed out' : 'outside invalidation timed out', {
    ...idsOf(message),
    waitedMs: decision.waitedMs,
  });
  const notification = await notifyOnce(
    slot,
    deployment ? NOTICE_KIND.deployTimedOut : NOTICE_KIND.timedOut,
    async () =>
      message.kind === 'deployment'
        ? deployTimeoutNotice(deploymentFacts(message), decision.waitedMs)
        : timeoutNotice(invalidationFacts(message), decision.waitedMs),
    claimer,
    deps,
  );
  if (notification === 'sent' && deployment) deps.metrics.count('DeploymentTimedOut', 1);
  return { kind: 'timed-out', notification };
}

function firstCheck(call: ApiCall): EdgeWatchMessage {
  return call.kind === 'invalidation'
    ? {
        kind: 'outside-invalidation',
        distributionId: call.distributionId,
        invalidationId: call.invalidationId,
        paths: call.paths,
        attempt: 1,
        since: call.at,
      }
    : {
        kind: 'deployment',
        distributionId: call.distributionId,
        eTag: call.eTag,
        operation: call.operation,
        attempt: 1,
        since: call.at,
      };
}

function parseEdgeCheck(raw: unknown): EdgeWatchMessage {
  const body = raw as Record<string, unknown>;
  const text = (name: string) => {
    const value = body[name];
    if (typeof value !== 'string' || value === '' || value.length > 200)
      throw new WatchMessageError(`watch message: expected a string ${name}, got none`);
    return value;
  };
  const count = (name: string, min: number) => {
    const value = body[name];
    if (!Number.isSafeInteger(value) || (value as number) < min)
      throw new WatchMessageError(`watch message: expected ${name} as a whole number >= ${min}`);
    return value as number;
  };
  const common = { distributionId: text('distributionId'), attempt: count('attempt', 1), since: count('since', 0) };
  if (body.kind === 'outside-invalidation') {
    return {
      kind: 'outside-invalidation',
      ...common,
      invalidationId: text('invalidationId'),
      paths: count('paths', 0),
    };
  }
  const operation = text('operation');
  if (operation !== 'CreateDistribution' && operation !== 'UpdateDistribution')
    throw new WatchMessageError(
      `watch message: expected operation Create/UpdateDistribution, got ${operation.slice(0, 40)}`,
    );
  return { kind: 'deployment', ...common, eTag: text('eTag'), operation };
}

function keyOf(message: EdgeWatchMessage): string {
  return message.kind === 'deployment'
    ? `DEPLOY#${message.distributionId}#${message.eTag}`
    : `INV#${message.distributionId}#${message.invalidationId}`;
}

function idsOf(message: EdgeWatchMessage): Record<string, string> {
  return message.kind === 'deployment'
    ? { distributionId: message.distributionId, eTag: message.eTag, operation: message.operation }
    : { distributionId: message.distributionId, invalidationId: message.invalidationId };
}

function invalidationFacts(message: Extract<EdgeWatchMessage, { kind: 'outside-invalidation' }>): InvalidationFacts {
  return {
    distributionId: message.distributionId,
    invalidationId: message.invalidationId,
    paths: message.paths,
    changedObjects: null,
    source: CHANGE_SOURCE.outside,
  };
}

function deploymentFacts(message: Extract<EdgeWatchMessage, { kind: 'deployment' }>): DeploymentFacts {
  return { distributionId: message.distributionId, eTag: message.eTag, operation: message.operation };
}

function notWatched(reason: string, ids: Record<string, string>, deps: WatchDeps): WatchOutcome {
  deps.log.info('event not watched', { ...ids, reason });
  return { kind: 'not-watched', reason };
}
