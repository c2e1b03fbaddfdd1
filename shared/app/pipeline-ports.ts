import type { RouteTable } from '../domain/routes.ts';
import type { UnitDeps } from './issue-unit.ts';
import type { LedgerStatus } from './ports.ts';
import type { DistributionStatusReader, InvalidationStatusReader } from './watch-ports.ts';

/**
 * What the CodePipeline action needs from the outside world. Adapters: `CodePipelineJobs`,
 * `SqsQueueDepth`, `DynamoWatchLedger` (issuedSince) and `CloudFrontGateway`.
 */

/** The event CodePipeline sends a Lambda invoke action (only the fields used; never log it whole). */
export interface PipelineJobEvent {
  readonly 'CodePipeline.job': {
    readonly id: string;
    readonly data: {
      readonly actionConfiguration: { readonly configuration: { readonly UserParameters?: string } };
      readonly continuationToken?: string;
    };
  };
}

/** A job that goes on (with a continuation token) or ends well. */
export interface JobSuccess {
  readonly summary: string;
  readonly continuationToken?: string;
  readonly externalExecutionId?: string;
  readonly percentComplete?: number;
  /** Only on the final success (CodePipeline refuses them with a continuation token). */
  readonly outputVariables?: Readonly<Record<string, string>>;
}

/** A job that failed: `ConfigurationError` for bad UserParameters, `JobFailed` for everything else. */
export interface JobFailure {
  readonly type: 'ConfigurationError' | 'JobFailed';
  readonly message: string;
  readonly externalExecutionId?: string;
}

/** CodePipeline's job result API. */
export interface JobResults {
  succeed(jobId: string, success: JobSuccess): Promise<void>;
  fail(jobId: string, failure: JobFailure): Promise<void>;
}

/** Messages in the change queue, by state (SQS approximate counts). */
export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** Reads the change queue's depth. */
export interface QueueDepthReader {
  depth(): Promise<QueueDepth>;
}

/** A ledger item, without its plan. */
export interface LedgerInvalidation {
  readonly unitKey: string;
  readonly distributionId: string;
  readonly status: LedgerStatus;
  readonly reservedAt: number;
  readonly invalidationId?: string;
  readonly issuedAt?: number;
}

/** The ledger query of `await` mode. */
export interface PipelineLedger {
  /** Items of these distributions issued (or reserved and not yet issued) at or after `sinceMs`. */
  issuedSince(distributionIds: readonly string[], sinceMs: number, untilMs: number): Promise<LedgerInvalidation[]>;
}

/** Everything the pipeline action talks to, injected. */
export interface PipelineDeps extends UnitDeps {
  readonly jobs: JobResults;
  readonly invalidations: InvalidationStatusReader;
  readonly issued: PipelineLedger;
  /** The change queue; `await` mode fails with a clear message without it. */
  readonly queue: QueueDepthReader | undefined;
  /** The route table, for `await` with a bucket and to check that a distribution is served. */
  readonly routes: () => Promise<RouteTable>;
  /** Deployment status, for `wait-deployed`. */
  readonly distributions: DistributionStatusReader;
  /** Distributions served without a route (PIPELINE_DISTRIBUTIONS): no bucket, IAM names them. */
  readonly pipelineDistributions: readonly string[];
}
