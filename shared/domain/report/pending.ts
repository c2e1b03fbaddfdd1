/** What waits in a distribution's pending set now (the reader maps the store's summary onto it). */
export interface PendingInput {
  readonly distributionId: string;
  readonly paths: number;
  readonly sets: number;
  /** Epoch ms of the oldest pending change; undefined when nothing waits. */
  readonly oldestFirstSeenAt: number | undefined;
}

/** One distribution's pending changes in the report. */
export interface PendingFigures {
  readonly distributionId: string;
  readonly paths: number;
  readonly sets: number;
  /** ISO 8601 of the oldest pending change. */
  readonly oldestSince: string;
  /** How long the oldest change has waited, in seconds, at the report's `now`. */
  readonly waitedSeconds: number;
}

/**
 * The distributions with changes waiting in the pending set, longest wait first.
 *
 * @param pending - per distribution, from the pending store
 * @param now - the report's instant, epoch ms
 */
export function buildPendingFigures(pending: readonly PendingInput[], now: number): PendingFigures[] {
  return pending
    .filter((entry) => entry.paths > 0 && entry.oldestFirstSeenAt !== undefined)
    .map((entry) => ({
      distributionId: entry.distributionId,
      paths: entry.paths,
      sets: entry.sets,
      oldestSince: new Date(entry.oldestFirstSeenAt as number).toISOString(),
      waitedSeconds: Math.max(0, Math.round((now - (entry.oldestFirstSeenAt as number)) / 1000)),
    }))
    .sort((a, b) => b.waitedSeconds - a.waitedSeconds || (a.distributionId < b.distributionId ? -1 : 1));
}

/** One sentence per distribution with pending changes, for the report's notes (every format shows them). */
export function pendingNotes(figures: readonly PendingFigures[]): string[] {
  return figures.map(
    (entry) =>
      `${entry.distributionId}: ${entry.paths} changed path${entry.paths === 1 ? '' : 's'} pending, the oldest for ${formatWait(entry.waitedSeconds)} (since ${entry.oldestSince}).`,
  );
}

function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}
