import { type Notice, type NoticeKind, shouldNotify } from '../domain/watch-policy.ts';
import type { WatchDeps, WatchedEntry } from './watch-ports.ts';

/** What became of a notification. */
export type NotifyOutcome = 'sent' | 'already-sent' | 'sent-by-another' | 'not-wanted';

/**
 * Publishes the one notification of a ledger item, at most once per item in all but one narrow case.
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
 * @param entry - the item as read (its `notifiedAt` short-cuts the claim)
 * @param kind - completed or timed-out
 * @param buildNotice - makes the text; runs only for the claimer (it may read the month counter)
 * @param claimer - the SQS message id (a redelivery of the same message may reclaim at once)
 * @throws the publisher's error (the claim is given back first)
 */
export async function notifyOnce(
  entry: WatchedEntry,
  kind: NoticeKind,
  buildNotice: () => Promise<Notice>,
  claimer: string,
  deps: WatchDeps,
): Promise<NotifyOutcome> {
  if (deps.notifier === undefined || !shouldNotify(deps.notify, kind)) return 'not-wanted';
  if (entry.notifiedAt !== undefined) return 'already-sent';
  const claim = await deps.ledger.claimNotification(entry, claimer, deps.now(), deps.notifyLeaseMs);
  if (claim === 'notified') return 'already-sent';
  if (claim === 'busy') return 'sent-by-another';
  try {
    await deps.notifier.publish(await buildNotice());
  } catch (error) {
    await deps.ledger.releaseNotification(entry, claimer).catch((releaseError: unknown) => {
      // The lease still runs out, so the retry takes the claim a little later.
      deps.log.warn('could not release notification claim', {
        unitKey: entry.unitKey,
        error: (releaseError as Error).name,
      });
    });
    throw error;
  }
  await deps.ledger.markNotified(entry, deps.now());
  deps.metrics.count('NotificationsSent', 1);
  deps.log.info('notification sent', {
    kind,
    distributionId: entry.distributionId,
    invalidationId: entry.invalidationId,
  });
  return 'sent';
}
