import {
  type CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { JobFailure, JobResults, JobSuccess } from '../app/pipeline-ports.ts';
import { AdapterError } from './errors.ts';

/** Reporting a job result to CodePipeline failed (the invocation fails; Lambda retries it). */
export class PipelineReportError extends AdapterError {
  override name = 'PipelineReportError';
}

// API limits: summary 2,048, externalExecutionId 1,500, failure message 5,000 characters.
// https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionDetails.html
const SUMMARY_MAX = 2048;
const EXTERNAL_ID_MAX = 1500;
const FAILURE_MAX = 5000;

/** Job results of a Lambda invoke action, over an injected CodePipeline client. */
export class CodePipelineJobs implements JobResults {
  readonly #client: CodePipelineClient;

  constructor(client: CodePipelineClient) {
    this.#client = client;
  }

  async succeed(jobId: string, success: JobSuccess): Promise<void> {
    const external = success.externalExecutionId?.slice(0, EXTERNAL_ID_MAX);
    await this.#send('PutJobSuccessResult', jobId, () =>
      this.#client.send(
        new PutJobSuccessResultCommand({
          jobId,
          executionDetails: {
            summary: success.summary.slice(0, SUMMARY_MAX),
            ...(external === undefined ? {} : { externalExecutionId: external }),
            ...(success.percentComplete === undefined ? {} : { percentComplete: success.percentComplete }),
          },
          ...(success.continuationToken === undefined ? {} : { continuationToken: success.continuationToken }),
          // CodePipeline accepts output variables only on the final success.
          ...(success.outputVariables === undefined || success.continuationToken !== undefined
            ? {}
            : { outputVariables: { ...success.outputVariables } }),
        }),
      ),
    );
  }

  async fail(jobId: string, failure: JobFailure): Promise<void> {
    const external = failure.externalExecutionId?.slice(0, EXTERNAL_ID_MAX);
    await this.#send('PutJobFailureResult', jobId, () =>
      this.#client.send(
        new PutJobFailureResultCommand({
          jobId,
          failureDetails: {
            type: failure.type,
            message: failure.message.slice(0, FAILURE_MAX),
            ...(external === undefined ? {} : { externalExecutionId: external }),
          },
        }),
      ),
    );
  }

  async #send(action: string, jobId: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      const code = error instanceof Error ? error.name : 'UnknownError';
      // A job already reported (InvalidJobStateException) or unknown cannot be reported again.
      const retryable = !['InvalidJobStateException', 'JobNotFoundException', 'ValidationException'].includes(code);
      throw new PipelineReportError(`${action} for job ${jobId} failed: ${code}`, { retryable, cause: error });
    }
  }
}
