import { type DistributionGroup, regroupWithout } from '../domain/group-changes.ts';
import type { RouteTable } from '../domain/routes.ts';
import type { MessageProgress } from './pending-ports.ts';

/**
 * Drops, per distribution, the messages already handled there: a message feeding two distributions
 * that came back (one of them failed, or SQS delivered it twice) is not issued again where it
 * succeeded. Only retried records (receive count above 1) are looked up.
 *
 * @param groups - the batch's groups by distribution (a group is rebuilt from its changes without the handled messages)
 * @param retried - ids of the records received more than once
 */
export async function skipHandledMessages(
  groups: ReadonlyMap<string, DistributionGroup>,
  retried: ReadonlySet<string>,
  routes: RouteTable,
  progress: MessageProgress,
): Promise<Map<string, DistributionGroup>> {
  const kept = new Map(groups);
  if (retried.size === 0) return kept;
  for (const [distributionId, group] of groups) {
    const candidates = group.messageIds.filter((id) => retried.has(id));
    if (candidates.length === 0) continue;
    const handled = await progress.handled(distributionId, candidates);
    if (handled.size === 0) continue;
    const rebuilt = regroupWithout(group, handled, routes);
    if (rebuilt === undefined) kept.delete(distributionId);
    else kept.set(distributionId, rebuilt);
  }
  return kept;
}

/**
 * Records, for every message that feeds more than one distribution, the distributions that handled it
 * (issued or pending), so a redelivery of the message does not issue them again.
 *
 * @param handled - groups that succeeded
 * @param all - every group of the batch
 */
export async function recordSharedMessages(
  handled: readonly DistributionGroup[],
  all: readonly DistributionGroup[],
  progress: MessageProgress,
  now: number,
): Promise<void> {
  const feeds = new Map<string, number>();
  for (const group of all) for (const id of group.messageIds) feeds.set(id, (feeds.get(id) ?? 0) + 1);
  for (const group of handled) {
    const shared = group.messageIds.filter((id) => (feeds.get(id) ?? 0) > 1);
    if (shared.length > 0) await progress.markHandled(group.distributionId, shared, now);
  }
}
