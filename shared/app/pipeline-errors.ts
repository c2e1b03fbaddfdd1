import { CollectorError } from './errors.ts';

/**
 * A pipeline job cannot go on as asked; `retryable` says whether the next invocation may succeed
 * (the job then continues with the same state) or the job fails now.
 */
export class PipelineError extends CollectorError {
  override name = 'PipelineError';
}
