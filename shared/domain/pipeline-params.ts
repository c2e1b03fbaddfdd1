import { DomainError, describeValue } from './errors.ts';
import { MAX_PATH_LENGTH } from './paths.ts';

/**
 * The CodePipeline action's input (UserParameters JSON) and the state it carries between invocations
 * (the continuation token). Pure: validation and encoding only.
 */

/** UserParameters or a continuation token is invalid; the message names the field. Never retryable. */
export class PipelineParamsError extends DomainError {
  override name = 'PipelineParamsError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/**
 * `paths` issues the given paths and waits (or not, with `wait: false`); `await` waits until the service
 * has caught up; `wait-deployed` waits until a distribution's configuration is deployed everywhere.
 */
export const PIPELINE_MODE = { paths: 'paths', await: 'await', waitDeployed: 'wait-deployed' } as const;
export type PipelineMode = (typeof PIPELINE_MODE)[keyof typeof PIPELINE_MODE];

/** Default overall wait, below the hour most people expect a deploy step to take. */
export const DEFAULT_TIMEOUT_MINUTES = 55;
/** The Lambda invoke action may run 24 hours. https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html */
export const MAX_TIMEOUT_MINUTES = 1440;
/** `await` also waits for invalidations issued this long before the job started (see docs/operations.md). */
export const DEFAULT_LOOKBACK_SECONDS = 900;
/** CloudFront takes at most 3,000 paths in one request. */
export const MAX_PIPELINE_PATHS = 3000;
/** CodePipeline: a continuation token is 1..2048 characters. */
const MAX_TOKEN_LENGTH = 2048;

const DISTRIBUTION_ID = /^E[A-Z0-9]{6,20}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const UNIT_KEY = /^[0-9a-f]{32}$/;
const FIELDS = ['mode', 'distributionId', 'bucket', 'paths', 'timeoutMinutes', 'lookbackSeconds', 'wait'];

/** What to wait for in `await` mode: one distribution, or every distribution a bucket is routed to. */
export type AwaitTarget = { readonly distributionId: string } | { readonly bucket: string };

/** Validated UserParameters. */
export type PipelineParams =
  | {
      readonly mode: 'paths';
      readonly distributionId: string;
      readonly paths: readonly string[];
      readonly timeoutMinutes: number;
      /** false: succeed as soon as the invalidation is created (its id as an output variable). */
      readonly wait: boolean;
    }
  | {
      readonly mode: 'wait-deployed';
      readonly distributionId: string;
      readonly timeoutMinutes: number;
    }
  | {
      readonly mode: 'await';
      readonly target: AwaitTarget;
      readonly timeoutMinutes: number;
      readonly lookbackSeconds: number;
    };

/**
 * Parses and validates the action's UserParameters.
 *
 * @param text - the UserParameters string from the action configuration
 * @throws PipelineParamsError naming the field: `UserParameters.distributionId: expected …, got …`
 */
export function parseUserParameters(text: string | undefined): PipelineParams {
  if (text === undefined || text.trim() === '')
    fail('UserParameters', 'a JSON object such as {"mode":"await","distributionId":"E…"}', text);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PipelineParamsError('UserParameters: expected a JSON object, got text that is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('UserParameters', 'a JSON object', raw);
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) fail(`UserParameters.${key}`, `no such field (known: ${FIELDS.join(', ')})`, input[key]);
  }
  const timeoutMinutes = wholeNumber(input, 'timeoutMinutes', DEFAULT_TIMEOUT_MINUTES, 1, MAX_TIMEOUT_MINUTES);
  if (input.wait !== undefined && input.mode !== PIPELINE_MODE.paths)
    fail('UserParameters.wait', 'no wait outside mode "paths"', input.wait);
  if (input.mode === PIPELINE_MODE.paths) {
    if (input.bucket !== undefined)
      fail('UserParameters.bucket', 'no bucket in mode "paths" (give distributionId)', input.bucket);
    if (input.lookbackSeconds !== undefined)
      fail('UserParameters.lookbackSeconds', 'no lookbackSeconds in mode "paths"', input.lookbackSeconds);
    if (input.wait !== undefined && typeof input.wait !== 'boolean')
      fail('UserParameters.wait', 'true or false', input.wait);
    return {
      mode: 'paths',
      distributionId: distributionIdOf(input.distributionId),
      paths: pathsOf(input.paths),
      timeoutMinutes,
      wait: input.wait !== false,
    };
  }
  if (input.mode === PIPELINE_MODE.waitDeployed) {
    for (const field of ['bucket', 'paths', 'lookbackSeconds'] as const) {
      if (input[field] !== undefined)
        fail(`UserParameters.${field}`, `no ${field} in mode "wait-deployed" (give distributionId)`, input[field]);
    }
    return { mode: 'wait-deployed', distributionId: distributionIdOf(input.distributionId), timeoutMinutes };
  }
  if (input.mode === PIPELINE_MODE.await) {
    if (input.paths !== undefined)
      fail('UserParameters.paths', 'no paths in mode "await" (use mode "paths")', input.paths);
    const lookbackSeconds = wholeNumber(input, 'lookbackSeconds', DEFAULT_LOOKBACK_SECONDS, 0, 3600);
    return { mode: 'await', target: awaitTargetOf(input), timeoutMinutes, lookbackSeconds };
  }
  return fail('UserParameters.mode', '"paths", "await" or "wait-deployed"', input.mode);
}

function awaitTargetOf(input: Record<string, unknown>): AwaitTarget {
  if (input.distributionId !== undefined && input.bucket !== undefined) {
    fail('UserParameters.bucket', 'either distributionId or bucket, not both', input.bucket);
  }
  if (input.bucket !== undefined) {
    if (typeof input.bucket !== 'string' || !BUCKET_NAME.test(input.bucket))
      fail('UserParameters.bucket', 'an S3 bucket name', input.bucket);
    return { bucket: input.bucket };
  }
  if (input.distributionId === undefined)
    fail('UserParameters.distributionId', 'a distribution id (E…) or a bucket', undefined);
  return { distributionId: distributionIdOf(input.distributionId) };
}

function distributionIdOf(value: unknown): string {
  if (typeof value !== 'string' || !DISTRIBUTION_ID.test(value)) {
    fail('UserParameters.distributionId', 'a CloudFront distribution id such as "E2QWRUHAPOMQZL"', value);
  }
  return value;
}

function pathsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PIPELINE_PATHS) {
    fail('UserParameters.paths', `an array of 1 to ${MAX_PIPELINE_PATHS} paths such as ["/*"]`, value);
  }
  const seen = new Set<string>();
  value.forEach((path: unknown, index) => {
    const field = `UserParameters.paths[${index}]`;
    if (typeof path !== 'string' || !path.startsWith('/')) fail(field, 'a path starting with "/"', path);
    if (path.length > MAX_PATH_LENGTH) fail(field, `at most ${MAX_PATH_LENGTH} characters`, path);
    const star = path.indexOf('*');
    if (star !== -1 && star !== path.length - 1) fail(field, '"*" only as the last character', path);
    if (hasUnencoded(path)) fail(field, 'a URL-encoded path (a space as %20)', path);
    seen.add(path);
  });
  return [...seen];
}

/** Whitespace and control characters must be percent-encoded, or CloudFront rejects or misses the path. */
function hasUnencoded(path: string): boolean {
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return /\s/.test(path);
}

function wholeNumber(input: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const value = input[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`UserParameters.${name}`, `a whole number from ${min} to ${max}`, value);
  }
  return value;
}

function fail(field: string, expected: string, got: unknown): never {
  throw new PipelineParamsError(
    `${field}: expected ${expected}, got ${got === undefined ? 'nothing' : describeValue(got)}`,
  );
}

/** What the action remembers between invocations. */
export type ContinuationState =
  | {
      readonly mode: 'paths';
      /** When the first invocation ran, epoch ms (bounds the overall wait). */
      readonly startedAt: number;
      readonly distributionId: string;
      /** From the FIRST job id: later invocations get new job ids but must reuse this unit. */
      readonly unitKey: string;
      readonly invalidationId?: string;
    }
  | {
      readonly mode: 'await';
      readonly startedAt: number;
      readonly distributionIds: readonly string[];
      /** Consecutive checks that found everything done (SQS counts are approximate: two are required). */
      readonly quietChecks: number;
    }
  | {
      readonly mode: 'wait-deployed';
      readonly startedAt: number;
      readonly distributionId: string;
    };

const TOKEN_PREFIX = 'v1.';

/**
 * Encodes the state as a CodePipeline continuation token (`v1.` + base64url JSON).
 *
 * @throws PipelineParamsError when the token would pass 2,048 characters (too many distributions)
 */
export function encodeContinuation(state: ContinuationState): string {
  const token = TOKEN_PREFIX + Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new PipelineParamsError(
      `continuationToken: expected at most ${MAX_TOKEN_LENGTH} characters, got ${token.length}`,
    );
  }
  return token;
}

/**
 * Decodes and checks a continuation token made by {@link encodeContinuation}.
 *
 * @throws PipelineParamsError when the token is not one this action issued
 */
export function decodeContinuation(token: string): ContinuationState {
  const bad = (why: string): never => {
    throw new PipelineParamsError(`continuationToken: expected a token issued by this action, got one that ${why}`);
  };
  if (!token.startsWith(TOKEN_PREFIX)) bad('has no "v1." prefix');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return bad('is not base64url JSON');
  }
  if (
    typeof raw !== 'object' ||
    raw === null ||
    !Number.isSafeInteger(raw.startedAt) ||
    (raw.startedAt as number) < 0
  ) {
    bad('has no valid startedAt');
  }
  const startedAt = raw.startedAt as number;
  if (raw.mode === PIPELINE_MODE.paths) {
    if (typeof raw.distributionId !== 'string' || !DISTRIBUTION_ID.test(raw.distributionId))
      bad('has no valid distributionId');
    if (typeof raw.unitKey !== 'string' || !UNIT_KEY.test(raw.unitKey)) bad('has no valid unitKey');
    if (raw.invalidationId !== undefined && typeof raw.invalidationId !== 'string')
      bad('has an invalid invalidationId');
    const { distributionId, unitKey, invalidationId } = raw as {
      distributionId: string;
      unitKey: string;
      invalidationId?: string;
    };
    return {
      mode: 'paths',
      startedAt,
      distributionId,
      unitKey,
      ...(invalidationId === undefined ? {} : { invalidationId }),
    };
  }
  if (raw.mode === PIPELINE_MODE.waitDeployed) {
    if (typeof raw.distributionId !== 'string' || !DISTRIBUTION_ID.test(raw.distributionId))
      bad('has no valid distributionId');
    return { mode: 'wait-deployed', startedAt, distributionId: raw.distributionId as string };
  }
  if (raw.mode === PIPELINE_MODE.await) {
    const ids = raw.distributionIds;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && DISTRIBUTION_ID.test(id)))
      bad('has no valid distributionIds');
    if (!Number.isSafeInteger(raw.quietChecks) || (raw.quietChecks as number) < 0) bad('has no valid quietChecks');
    return { mode: 'await', startedAt, distributionIds: ids as string[], quietChecks: raw.quietChecks as number };
  }
  return bad('has an unknown mode');
}
