import { isApiCallEvent } from '../domain/api-call-events.ts';
import { completionNotice, type InvalidationFacts, NOTICE_KIND, timeoutNotice } from '../domain/notices.ts';
import { completionLatencyMs, decideAfterInProgress } from '../domain/watch-policy.ts';
import { LEDGER_STATUS } from './ports.ts';
import { followApiCall, followEdgeCheck, isEdgeCheck } from './watch-edge.ts';
import { WatchMessageError } from './watch-errors.ts';
import { ledgerSlot, type NotifyOutcome, notifyOnce } from './watch-notify.ts';
import type { WatchDeps, WatchedEntry, WatchMessage } from './watch-ports.ts';

/** An SQS record as the watcher reads it (the aws-lambda SQSRecord fits). */
export interface WatchRecord {
  readonly messageId: string;
  readonly body: string;
}

/** What one check did, for logs and tests. */
export type WatchOutcome =
  | { readonly kind: 'completed'; readonly notification: NotifyOutcome }
  | { readonly kind: 'rescheduled'; readonly attempt: number; readonly delaySeconds: number }
  | { readonly kind: 'duplicate-check' }
  | { readonly kind: 'timed-out'; readonly notification: NotifyOutcome }
  | { readonly kind: 'deployed'; readonly notification: NotifyOutcome }
  | { readonly kind: 'not-watched'; readonly reason: string };

/**
 * Runs one batch of the watch queue: completion checks of ledger items, checks of outside invalidations
 * and deployments, and CloudTrail events (from the EventBridge rule) that start those. Each record is
 * settled on its own, in order, as `@middy/sqs-partial-batch-failure` expects: retryable failures
 * (throttling, a publish that failed, a notification claimed by another message) reject the record so
 * SQS delivers it again; permanent ones (a body that is no check, an invalidation CloudFront does not
 * know) are logged and acknowledged.
 *
 * @param records - the watch queue's records
 * @param deps - adapters, policy and clock
 */
export async function watchInvalidations(
  records: readonly WatchRecord[],
  deps: WatchDeps,
): Promise<PromiseSettledResult<WatchOutcome | undefined>[]> {
  return Promise.all(
    records.map(async (record): Promise<PromiseSettledResult<WatchOutcome | undefined>> => {
      try {
        const outcome = await checkRecord(record, deps);
        return { status: 'fulfilled', value: outcome };
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        const retryable = (failure as { retryable?: boolean }).retryable !== false;
        const extra = { messageId: record.messageId, error: failure.name, reason: failure.message, retryable };
        if (!retryable) {
          deps.log.error('watch check dropped', extra);
          return { status: 'fulfilled', value: undefined };
        }
        deps.log.warn('watch check failed, will retry', extra);
        return { status: 'rejected', reason: failure };
      }
    }),
  );
}

async function checkRecord(record: WatchRecord, deps: WatchDeps): Promise<WatchOutcome> {
  const body = parseJson(record.body);
  if (isApiCallEvent(body)) return followApiCall(body, record.messageId, deps);
  if (isEdgeCheck(body)) return followEdgeCheck(body, record.messageId, deps);
  return checkInvalidation(parseWatchMessage(record.body), record.messageId, deps);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new WatchMessageError('watch message: expected JSON, got text that is not JSON');
  }
}

/**
 * One completion check: reads the ledger item, asks CloudFront, then records completion (first one
 * wins) and notifies once, schedules the next check, or gives up after the bounded wait.
 *
 * @param message - the check
 * @param claimer - the SQS message id: a redelivered message may redo its own steps, a duplicate may not
 * @param deps - adapters, policy and clock
 */
export async function checkInvalidation(
  message: WatchMessage,
  claimer: string,
  deps: WatchDeps,
): Promise<WatchOutcome> {
  const entry = await deps.ledger.find(message.month, message.unitKey);
  if (entry === undefined) return notWatched(message, 'no ledger item (expired or another stage)', deps);
  if (entry.status === LEDGER_STATUS.completed)
    return { kind: 'completed', notification: await notifyCompleted(entry, claimer, deps) };
  if (entry.status === LEDGER_STATUS.timedOut)
    return { kind: 'timed-out', notification: await notifyTimedOut(entry, message, claimer, deps) };
  if (entry.status === LEDGER_STATUS.released) return notWatched(message, 'released: never created', deps);

  const { status } = await deps.invalidations.getInvalidation(message.distributionId, message.invalidationId);
  const now = deps.now();
  if (status === 'Completed') {
    const latencyMs = completionLatencyMs(entry, now);
    if (await deps.ledger.markCompleted(entry, now, latencyMs)) {
      deps.metrics.count('InvalidationCompleted', 1);
      deps.metrics.latency(latencyMs);
      deps.log.info('invalidation completed', { ...ids(message), latencyMs, attempt: message.attempt });
    }
    // Winner or not, the stored times decide the notification, so a retry sends the same text.
    const stored = (await deps.ledger.find(message.month, message.unitKey)) ?? {
      ...entry,
      completedAt: now,
      latencyMs,
    };
    return { kind: 'completed', notification: await notifyCompleted(stored, claimer, deps) };
  }

  const decision = decideAfterInProgress({ attempt: message.attempt, sinceMs: message.since }, now, deps.schedule);
  if (decision.kind === 'recheck') {
    if (!(await deps.ledger.claimCheck(entry, decision.attempt, claimer))) {
      deps.log.info('duplicate check dropped', { ...ids(message), attempt: message.attempt });
      return { kind: 'duplicate-check' };
    }
    await deps.queue.send({ ...message, attempt: decision.attempt }, decision.delaySeconds);
    deps.metrics.count('WatchRechecks', 1);
    return { kind: 'rescheduled', attempt: decision.attempt, delaySeconds: decision.delaySeconds };
  }
  if (await deps.ledger.markTimedOut(entry, now)) {
    deps.metrics.count('InvalidationTimedOut', 1);
    deps.log.error('invalidation timed out', {
      ...ids(message),
      waitedMs: decision.waitedMs,
      attempt: message.attempt,
    });
  }
  const stored = (await deps.ledger.find(message.month, message.unitKey)) ?? entry;
  return { kind: 'timed-out', notification: await notifyTimedOut(stored, message, claimer, deps) };
}

/**
 * Parses a watch queue body.
 *
 * @throws WatchMessageError (not retryable) when the body is not a check this service sent
 */
export function parseWatchMessage(body: string): WatchMessage {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new WatchMessageError('watch message: expected JSON, got text that is not JSON');
  }
  const text = (name: string) => typeof raw?.[name] === 'string' && (raw[name] as string).length > 0;
  const count = (name: string) => Number.isSafeInteger(raw?.[name]) && (raw[name] as number) >= 0;
  for (const name of ['distributionId', 'invalidationId', 'unitKey', 'month']) {
    if (!text(name)) throw new WatchMessageError(`watch message: expected a string ${name}, got none`);
  }
  if (!count('attempt') || (raw.attempt as number) < 1)
    throw new WatchMessageError('watch message: expected attempt >= 1');
  if (!count('since')) throw new WatchMessageError('watch message: expected since as epoch milliseconds');
  const { distributionId, invalidationId, unitKey, month, attempt, since } = raw as unknown as WatchMessage;
  return { distributionId, invalidationId, unitKey, month, attempt, since };
}

async function notifyCompleted(entry: WatchedEntry, claimer: string, deps: WatchDeps): Promise<NotifyOutcome> {
  return notifyOnce(
    ledgerSlot(entry, deps),
    NOTICE_KIND.completed,
    async () =>
      completionNotice(factsOf(entry), entry.latencyMs ?? 0, {
        month: entry.month,
        monthPaths: await deps.ledger.monthPaths(entry.month),
      }),
    claimer,
    deps,
  );
}

async function notifyTimedOut(entry: WatchedEntry, message: WatchMessage, claimer: string, deps: WatchDeps) {
  const waitedMs = (entry.timedOutAt ?? deps.now()) - message.since;
  const notice = async () => timeoutNotice(factsOf(entry), waitedMs);
  return notifyOnce(ledgerSlot(entry, deps), NOTICE_KIND.timedOut, notice, claimer, deps);
}

function factsOf(entry: WatchedEntry): InvalidationFacts {
  return {
    distributionId: entry.distributionId,
    invalidationId: entry.invalidationId ?? '(unknown)',
    paths: entry.plan.paths.length,
    changedObjects: entry.changedObjects,
    source: entry.source,
  };
}

function notWatched(message: WatchMessage, reason: string, deps: WatchDeps): WatchOutcome {
  deps.log.warn('nothing to watch', { ...ids(message), reason });
  return { kind: 'not-watched', reason };
}

function ids(message: WatchMessage) {
  return { distributionId: message.distributionId, invalidationId: message.invalidationId, unitKey: message.unitKey };
}
