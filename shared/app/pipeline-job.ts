import { ConfigError } from '../config-errors.ts';
import {
  type ContinuationState,
  decodeContinuation,
  encodeContinuation,
  type PipelineParams,
  PipelineParamsError,
  parseUserParameters,
} from '../domain/pipeline-params.ts';
import { unitKeyOf } from '../domain/unit-of-work.ts';
import { formatDuration } from '../domain/watch-policy.ts';
import { advanceAwait, resolveAwaitTargets } from './pipeline-await.ts';
import { advanceDeployed, assertServed } from './pipeline-deployed.ts';
import { advancePaths, type StepResult } from './pipeline-paths.ts';
import type { JobFailure, PipelineDeps, PipelineJobEvent } from './pipeline-ports.ts';

/** What one invocation reported to CodePipeline. */
export type PipelineOutcome =
  | { readonly kind: 'succeeded'; readonly message: string }
  | { readonly kind: 'continued'; readonly message: string; readonly state: ContinuationState }
  | { readonly kind: 'failed'; readonly type: JobFailure['type']; readonly message: string };

/** CodePipeline caps a failure message at 5,000 characters; ours stay far below. */
const MAX_MESSAGE = 1000;

/**
 * Runs one invocation of the CodePipeline action and reports it (PutJobSuccessResult, with a
 * continuation token while waiting, or PutJobFailureResult). Waiting is never a sleeping Lambda:
 * CodePipeline invokes the function again with the token. Retryable failures (throttling, the budget
 * deferring, the in-flight quota) keep the job waiting; the job fails on bad UserParameters, on a
 * permanent error, or when the overall timeout (UserParameters.timeoutMinutes, default 55) passes.
 *
 * @param event - the CodePipeline job event (never logged: it carries artifact credentials)
 * @param deps - adapters, budget policy and clock
 * @throws only when CodePipeline itself cannot be told (the invocation then fails and is retried)
 */
export async function runPipelineJob(event: PipelineJobEvent, deps: PipelineDeps): Promise<PipelineOutcome> {
  const job = event['CodePipeline.job'];
  const jobId = job.id;
  let params: PipelineParams;
  try {
    params = parseUserParameters(job.data.actionConfiguration.configuration.UserParameters);
  } catch (error) {
    return fail(jobId, { type: 'ConfigurationError', message: messageOf(error) }, deps);
  }
  const token = job.data.continuationToken;
  const first = token === undefined || token === '';
  let state: ContinuationState;
  try {
    state = token === undefined || token === '' ? await initialState(params, jobId, deps) : decodeContinuation(token);
    if (state.mode !== params.mode) {
      throw new PipelineParamsError(`continuationToken: expected mode "${params.mode}", got "${state.mode}"`);
    }
  } catch (error) {
    // On the first call a PipelineParamsError names UserParameters (a bucket without a route).
    const type = first && error instanceof PipelineParamsError ? 'ConfigurationError' : 'JobFailed';
    return fail(jobId, { type, message: messageOf(error) }, deps);
  }

  let step: StepResult;
  try {
    step =
      state.mode === 'paths' && params.mode === 'paths'
        ? await advancePaths(params, state, deps)
        : state.mode === 'wait-deployed'
          ? await advanceDeployed(state, deps)
          : await advanceAwaitFor(params, state, deps);
  } catch (error) {
    const retryable = (error as { retryable?: boolean }).retryable !== false;
    const type = error instanceof ConfigError ? 'ConfigurationError' : 'JobFailed';
    if (!retryable) return fail(jobId, { type, message: messageOf(error) }, deps);
    deps.log.warn('pipeline step failed, will retry', { jobId, mode: params.mode, error: (error as Error).name });
    step = { done: false, state, summary: `retrying after: ${messageOf(error)}` };
  }

  if (step.done) {
    await report(jobId, deps, () =>
      deps.jobs.succeed(jobId, {
        summary: step.summary,
        ...(step.externalExecutionId === undefined ? {} : { externalExecutionId: step.externalExecutionId }),
        ...(step.outputVariables === undefined ? {} : { outputVariables: step.outputVariables }),
      }),
    );
    deps.log.info('pipeline job succeeded', { jobId, mode: params.mode, summary: step.summary });
    return { kind: 'succeeded', message: step.summary };
  }
  const waitedMs = deps.now() - state.startedAt;
  if (waitedMs >= params.timeoutMinutes * 60_000) {
    const message = `timed out after ${formatDuration(waitedMs)} (UserParameters.timeoutMinutes ${params.timeoutMinutes}): ${step.summary}`;
    return fail(jobId, { type: 'JobFailed', message, ...external(step) }, deps);
  }
  await report(jobId, deps, () =>
    deps.jobs.succeed(jobId, {
      summary: step.summary,
      continuationToken: encodeContinuation(step.state),
      percentComplete: Math.min(99, Math.floor((100 * waitedMs) / (params.timeoutMinutes * 60_000))),
      ...external(step),
    }),
  );
  deps.log.info('pipeline job waiting', { jobId, mode: params.mode, summary: step.summary });
  return { kind: 'continued', message: step.summary, state: step.state };
}

async function initialState(params: PipelineParams, jobId: string, deps: PipelineDeps): Promise<ContinuationState> {
  const startedAt = deps.now();
  const named = namedDistribution(params);
  if (named !== undefined) await assertServed(named, deps);
  if (params.mode === 'wait-deployed')
    return { mode: 'wait-deployed', startedAt, distributionId: params.distributionId };
  if (params.mode === 'paths') {
    // The first job id names the unit: CodePipeline gives every continuation a new job id.
    const unitKey = unitKeyOf(params.distributionId, [`pipeline:${jobId}`]);
    return { mode: 'paths', startedAt, distributionId: params.distributionId, unitKey };
  }
  return { mode: 'await', startedAt, distributionIds: await resolveAwaitTargets(params.target, deps), quietChecks: 0 };
}

/** The distribution UserParameters name, if any (`await` with a bucket names none). */
function namedDistribution(params: PipelineParams): string | undefined {
  if (params.mode !== 'await') return params.distributionId;
  return 'distributionId' in params.target ? params.target.distributionId : undefined;
}

function advanceAwaitFor(params: PipelineParams, state: ContinuationState, deps: PipelineDeps): Promise<StepResult> {
  if (params.mode !== 'await' || state.mode !== 'await')
    throw new PipelineParamsError('continuationToken: expected mode "await"');
  return advanceAwait(params, state, deps);
}

async function fail(jobId: string, failure: JobFailure, deps: PipelineDeps): Promise<PipelineOutcome> {
  const message = failure.message.slice(0, MAX_MESSAGE);
  await report(jobId, deps, () => deps.jobs.fail(jobId, { ...failure, message }));
  deps.log.error('pipeline job failed', { jobId, type: failure.type, reason: message });
  return { kind: 'failed', type: failure.type, message };
}

/**
 * Reports a result. A permanent refusal (the job was already reported, e.g. by the invocation that Lambda
 * is now retrying) is logged, not thrown: retrying cannot change it. Transient errors are thrown, so the
 * invocation fails and Lambda retries it.
 */
async function report(jobId: string, deps: PipelineDeps, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if ((error as { retryable?: boolean }).retryable !== false) throw error;
    deps.log.error('could not report the job result', {
      jobId,
      error: (error as Error).name,
      reason: (error as Error).message,
    });
  }
}

function external(step: StepResult): { externalExecutionId?: string } {
  return step.externalExecutionId === undefined ? {} : { externalExecutionId: step.externalExecutionId };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
