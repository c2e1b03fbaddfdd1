import type { BatchBudget } from '../domain/budget.ts';
import type { ContinuationState, PipelineParams } from '../domain/pipeline-params.ts';
import { planInvalidation } from '../domain/planner/index.ts';
import { callerReferenceOf } from '../domain/unit-of-work.ts';
import { invalidateUnit } from './issue-unit.ts';
import { PipelineError } from './pipeline-errors.ts';
import type { PipelineDeps } from './pipeline-ports.ts';
import type { StoredPlan } from './ports.ts';
import { fixedPlanOf, storedPlanOf } from './stored-plan.ts';

type PathsParams = Extract<PipelineParams, { mode: 'paths' }>;
type PathsState = Extract<ContinuationState, { mode: 'paths' }>;

/** One invocation's progress: finished, or the state to carry in the next continuation token. */
export type StepResult =
  | {
      readonly done: true;
      readonly summary: string;
      readonly externalExecutionId?: string;
      readonly outputVariables?: Readonly<Record<string, string>>;
    }
  | {
      readonly done: false;
      readonly state: ContinuationState;
      readonly summary: string;
      readonly externalExecutionId?: string;
    };

/**
 * `paths` mode: issues the given paths once (through the same budget, ledger and counters as the
 * collector; the unit key comes from the first job id, so a retried invocation finds its unit and
 * CloudFront returns the same invalidation), then reports whether CloudFront has completed it; with
 * `wait: false` it succeeds as soon as the invalidation exists.
 *
 * @throws whatever `invalidateUnit` throws (DeferredError, CloudFrontError, LedgerError): retryable ones
 *   make the caller try again on the next invocation
 */
export async function advancePaths(params: PathsParams, state: PathsState, deps: PipelineDeps): Promise<StepResult> {
  let invalidationId = state.invalidationId;
  if (invalidationId === undefined) {
    const entry = await invalidateUnit(
      {
        distributionId: state.distributionId,
        unitKey: state.unitKey,
        callerReference: callerReferenceOf(state.unitKey),
        source: 'pipeline',
        messageCount: 1,
        // A pipeline names paths, not objects: no changed objects are counted.
        changedObjects: 0,
        firstEventAt: state.startedAt,
        plan: (budget) => planWithin(params.paths, budget),
      },
      deps,
    );
    invalidationId = entry.invalidationId;
    if (invalidationId === undefined) {
      throw new PipelineError(
        `unit ${state.unitKey} on ${state.distributionId} has no invalidation (status ${entry.status})`,
        {
          retryable: true,
        },
      );
    }
  }
  const where = `invalidation ${invalidationId} on ${state.distributionId}`;
  const outputVariables = { InvalidationId: invalidationId, DistributionId: state.distributionId };
  if (!params.wait) {
    // Fire and forget: the watcher still reports its completion (afterIssue scheduled its checks).
    return {
      done: true,
      summary: `${where} created (not waiting)`,
      externalExecutionId: invalidationId,
      outputVariables,
    };
  }
  const { status } = await deps.invalidations.getInvalidation(state.distributionId, invalidationId);
  if (status === 'Completed') {
    return {
      done: true,
      summary: `${where} completed: the edge serves fresh content`,
      externalExecutionId: invalidationId,
      outputVariables,
    };
  }
  return {
    done: false,
    state: { ...state, invalidationId },
    summary: `${where} in progress`,
    externalExecutionId: invalidationId,
  };
}

/**
 * The plan of a pipeline request: the given paths as they are when they fit the budget, otherwise
 * coalesced by the planner (which may throw PlanBudgetError, retryable).
 */
export function planWithin(paths: readonly string[], budget: BatchBudget): StoredPlan {
  const fixed = fixedPlanOf(paths, paths.length);
  if (paths.length <= budget.maxPaths && fixed.wildcardPaths <= budget.maxWildcards) return fixed;
  return storedPlanOf(
    planInvalidation({ changed: paths, maxPaths: budget.maxPaths, maxWildcards: budget.maxWildcards }),
  );
}
