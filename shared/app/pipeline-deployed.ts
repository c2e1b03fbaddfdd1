import type { ContinuationState } from '../domain/pipeline-params.ts';
import { PipelineParamsError } from '../domain/pipeline-params.ts';
import type { StepResult } from './pipeline-paths.ts';
import type { PipelineDeps } from './pipeline-ports.ts';

type DeployedState = Extract<ContinuationState, { mode: 'wait-deployed' }>;

/**
 * `wait-deployed` mode: done when GetDistribution says `Deployed` (the last configuration change has
 * reached every edge location); otherwise the job continues with a token. The ETag names the version
 * that is live, as an output variable for later stages.
 *
 * @throws CloudFrontError (retryable ones keep the job waiting)
 */
export async function advanceDeployed(state: DeployedState, deps: PipelineDeps): Promise<StepResult> {
  const { status, eTag } = await deps.distributions.getDistribution(state.distributionId);
  if (status === 'Deployed') {
    return {
      done: true,
      summary: `distribution ${state.distributionId} is deployed to every edge location (version ${eTag})`,
      outputVariables: { DistributionId: state.distributionId, ETag: eTag },
    };
  }
  return { done: false, state, summary: `distribution ${state.distributionId} is ${status} (version ${eTag})` };
}

/**
 * Checks that the stage serves a distribution: a route's, or one of PIPELINE_DISTRIBUTIONS (IAM names
 * exactly those, so anything else would fail later with AccessDenied).
 *
 * @throws PipelineParamsError naming UserParameters.distributionId
 */
export async function assertServed(distributionId: string, deps: PipelineDeps): Promise<void> {
  if (deps.pipelineDistributions.includes(distributionId)) return;
  const table = await deps.routes();
  if (table.routes.some((route) => route.distributionId === distributionId)) return;
  throw new PipelineParamsError(
    `UserParameters.distributionId: expected a distribution of ROUTES or PIPELINE_DISTRIBUTIONS, got "${distributionId}"`,
  );
}
