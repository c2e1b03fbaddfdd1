import { type DistributionGroup, regroupWithout } from '../domain/group-changes.ts';
import type { RouteTable } from '../domain/routes.ts';
import type { Log } from './issue-unit.ts';
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
 * The messages of a batch that feed more than one of its distributions: only their progress is recorded.
 *
 * @param groups - every group of the batch (after the handled messages were dropped)
 */
export function sharedMessagesOf(groups: readonly DistributionGroup[]): Set<string> {
  const shared = new Set<string>();
  // One distribution (the usual batch): nothing is shared, and 10,000 ids hashed would cost ~3 ms.
  if (groups.length < 2) return shared;
  const seen = new Set<string>();
  for (const group of groups) {
    for (const id of group.messageIds) {
      if (seen.has(id)) shared.add(id);
      else seen.add(id);
    }
  }
  return shared;
}

/**
 * Records that a distribution handled (issued or durably pended) its shared messages, so a redelivery
 * does not issue them there again. Called as soon as the group is handled. A failure is logged, not
 * thrown: the changes are issued or pending already, and failing their records would only bring them
 * back sooner. The cost, should another distribution of the same messages fail too, is this one issued
 * (and billed) again for them on the retry, never a change lost.
 *
 * @param group - a group that succeeded
 * @param shared - the batch's messages feeding more than one distribution ({@link sharedMessagesOf})
 */
export async function recordHandled(
  group: DistributionGroup,
  shared: ReadonlySet<string>,
  progress: MessageProgress,
  deps: { readonly now: () => number; readonly log: Log },
): Promise<void> {
  const ids = group.messageIds.filter((id) => shared.has(id));
  if (ids.length === 0) return;
  try {
    await progress.markHandled(group.distributionId, ids, deps.now());
  } catch (error) {
    deps.log.warn('could not record message progress', {
      distributionId: group.distributionId,
      messages: ids.length,
      error: (error as Error).name,
    });
  }
}
