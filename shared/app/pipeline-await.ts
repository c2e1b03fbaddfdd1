import { ConfigError } from '../config-errors.ts';
import {
  type AwaitTarget,
  type ContinuationState,
  type PipelineParams,
  PipelineParamsError,
} from '../domain/pipeline-params.ts';
import type { StepResult } from './pipeline-paths.ts';
import type { LedgerInvalidation, PipelineDeps } from './pipeline-ports.ts';
import { LEDGER_STATUS } from './ports.ts';

type AwaitParams = Extract<PipelineParams, { mode: 'await' }>;
type AwaitState = Extract<ContinuationState, { mode: 'await' }>;

/**
 * Consecutive checks that must find the queue drained and every invalidation complete. SQS queue
 * counts are approximate and lag (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/confirm-queue-is-empty.html),
 * so one zero reading is not trusted on its own.
 */
export const REQUIRED_QUIET_CHECKS = 2;

/**
 * The distributions `await` mode waits for: the one given, or every distribution the bucket is routed to.
 *
 * @throws PipelineParamsError when no route takes the bucket
 */
export async function resolveAwaitTargets(target: AwaitTarget, deps: PipelineDeps): Promise<string[]> {
  if ('distributionId' in target) return [target.distributionId];
  const routes = (await deps.routes()).byBucket.get(target.bucket) ?? [];
  const ids = [...new Set(routes.map((route) => route.distributionId))].sort();
  if (ids.length === 0) {
    throw new PipelineParamsError(`UserParameters.bucket: expected a bucket routed in ROUTES, got "${target.bucket}"`);
  }
  return ids;
}

/**
 * `await` mode: done when the change queue is drained (visible + in flight + delayed = 0, the whole
 * queue: see docs/operations.md) and every invalidation of the distributions issued since the job
 * started (minus the lookback) has completed, on {@link REQUIRED_QUIET_CHECKS} checks in a row.
 *
 * @throws ConfigError when QUEUE_URL is not configured; adapter errors (retryable ones are retried)
 */
export async function advanceAwait(params: AwaitParams, state: AwaitState, deps: PipelineDeps): Promise<StepResult> {
  if (deps.queue === undefined)
    throw new ConfigError('QUEUE_URL: expected the change queue URL for mode "await", got nothing');
  const now = deps.now();
  const since = state.startedAt - params.lookbackSeconds * 1000;
  const [depth, items] = await Promise.all([
    deps.queue.depth(),
    deps.issued.issuedSince(state.distributionIds, since, now),
  ]);
  const pending = await pendingOf(items, deps);
  const queued = depth.visible + depth.inFlight + depth.delayed;
  const quietChecks = queued === 0 && pending.length === 0 ? state.quietChecks + 1 : 0;
  const done = items.length - pending.length;
  if (quietChecks >= REQUIRED_QUIET_CHECKS) {
    return {
      done: true,
      summary: `change queue drained; ${done} invalidation(s) of ${state.distributionIds.join(', ')} completed`,
      outputVariables: { DistributionIds: state.distributionIds.join(',') },
    };
  }
  const waitingFor = [
    ...(queued > 0
      ? [
          `${queued} change message(s) in the queue (${depth.visible} waiting, ${depth.inFlight} in flight, ${depth.delayed} delayed)`,
        ]
      : []),
    ...(pending.length > 0
      ? [`${pending.length} invalidation(s) in progress (${pending.slice(0, 3).map(describe).join(', ')})`]
      : []),
  ];
  return {
    done: false,
    state: { ...state, quietChecks },
    summary:
      waitingFor.length === 0 ? 'all done; confirming on the next check' : `waiting for ${waitingFor.join(' and ')}`,
  };
}

async function pendingOf(items: readonly LedgerInvalidation[], deps: PipelineDeps): Promise<LedgerInvalidation[]> {
  const checked = await Promise.all(
    items.map(async (item) => {
      if (item.status === LEDGER_STATUS.completed || item.status === LEDGER_STATUS.released) return undefined;
      // Reserved and not issued yet: the collector is between its steps (or will retry them).
      if (item.invalidationId === undefined) return item;
      // The ledger lags behind CloudFront by up to one watcher backoff; CloudFront is the truth.
      const { status } = await deps.invalidations.getInvalidation(item.distributionId, item.invalidationId);
      return status === 'Completed' ? undefined : item;
    }),
  );
  return checked.filter((item): item is LedgerInvalidation => item !== undefined);
}

function describe(item: LedgerInvalidation): string {
  return item.invalidationId === undefined
    ? `unit ${item.unitKey} on ${item.distributionId}, not issued yet`
    : `${item.invalidationId} on ${item.distributionId}`;
}
