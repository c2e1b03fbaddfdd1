import { type Notice, type NoticeKind, shouldNotify } from '../domain/notices.ts';
import type { NotificationClaim, WatchDeps, WatchedEntry } from './watch-ports.ts';

/** What became of a notification. */
export type NotifyOutcome = 'sent' | 'already-sent' | 'sent-by-another' | 'not-wanted';

/** Where the one-notice state of a watched change lives: a ledger item, or an edge watch item. */
export interface NoticeSlot {
  /** Known to be notified already (from the item as read): skips the claim. */
  readonly notified: boolean;
  claim(claimer: string, nowMs: number, leaseMs: number): Promise<NotificationClaim>;
  release(claimer: string): Promise<void>;
  mark(at: number): Promise<void>;
  /** Ids for the log line (never paths). */
  readonly ids: Readonly<Record<string, string>>;
}

/** The notice slot of a ledger item (the collector's and the pipeline's invalidations). */
export function ledgerSlot(entry: WatchedEntry, deps: WatchDeps): NoticeSlot {
  return {
    notified: entry.notifiedAt !== undefined,
    claim: (claimer, nowMs, leaseMs) => deps.ledger.claimNotification(entry, claimer, nowMs, leaseMs),
    release: (claimer) => deps.ledger.releaseNotification(entry, claimer),
    mark: (at) => deps.ledger.markNotified(entry, at),
    ids: { distributionId: entry.distributionId, invalidationId: entry.invalidationId ?? '', unitKey: entry.unitKey },
  };
}

/** The notice slot of an edge watch item (outside invalidations, deployments). */
export function markSlot(key: string, ids: Readonly<Record<string, string>>, deps: WatchDeps): NoticeSlot {
  return {
    notified: false,
    claim: (claimer, nowMs, leaseMs) => deps.marks.claimNotification(key, claimer, nowMs, leaseMs),
    release: (claimer) => deps.marks.releaseNotification(key, claimer),
    mark: (at) => deps.marks.markNotified(key, at),
    ids,
  };
}

/**
 * Publishes the one notification of a watched change, at most once in all but one narrow case.
 *
 * 1. claim: a conditional update lets one message at a time publish. A message that finds the claim
 *    taken is acknowledged: the claimer's own message stays unacknowledged until it has published, and
 *    is redelivered (and may reclaim at once) if it fails or crashes; a lease covers anything else;
 * 2. publish; on failure the claim is given back and the error rethrown, so the message is retried and
 *    the notification is not lost;
 * 3. `notifiedAt` is set, so every later or duplicate message skips it.
 *
 * SNS standard topics cannot deduplicate, so a crash (or a failed DynamoDB write) between 2 and 3 leads to
 * a second notification after the lease: at-least-once there, never zero.
 *
 * @param slot - where the claim and the notified mark live
 * @param kind - which notice (decides whether it is wanted at the NOTIFY level)
 * @param buildNotice - makes the notice; runs only for the claimer (it may read the month counter)
 * @param claimer - the SQS message id (a redelivery of the same message may reclaim at once)
 * @throws the publisher's error (the claim is given back first)
 */
export async function notifyOnce(
  slot: NoticeSlot,
  kind: NoticeKind,
  buildNotice: () => Promise<Notice>,
  claimer: string,
  deps: WatchDeps,
): Promise<NotifyOutcome> {
  if (deps.notifier === undefined || !shouldNotify(deps.notify, kind)) return 'not-wanted';
  if (slot.notified) return 'already-sent';
  const claim = await slot.claim(claimer, deps.now(), deps.notifyLeaseMs);
  if (claim === 'notified') return 'already-sent';
  if (claim === 'busy') return 'sent-by-another';
  try {
    await deps.notifier.publish(await buildNotice());
  } catch (error) {
    await slot.release(claimer).catch((releaseError: unknown) => {
      // The lease still runs out, so the retry takes the claim a little later.
      deps.log.warn('could not release notification claim', { ...slot.ids, error: (releaseError as Error).name });
    });
    throw error;
  }
  await slot.mark(deps.now());
  deps.metrics.count('NotificationsSent', 1);
  deps.log.info('notification sent', { kind, ...slot.ids });
  return 'sent';
}
