/**
 * Reads the CloudFront management events that CloudTrail delivers to EventBridge ("AWS API Call via
 * CloudTrail") and the EventBridge rule forwards to the watch queue. Pure: no clock, no SDK.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */

/** The EventBridge `detail-type` of a CloudTrail-recorded API call. */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The calls the watcher follows; also the rule's `detail.eventName` filter in serverless.yml. */
export const WATCHED_API_CALLS = ['CreateInvalidation', 'CreateDistribution', 'UpdateDistribution'] as const;

/** A call worth watching, read from the event. */
export type ApiCall =
  | {
      readonly kind: 'invalidation';
      readonly distributionId: string;
      readonly invalidationId: string;
      readonly callerReference: string;
      /** Paths in the batch (a count only: paths are never carried further). */
      readonly paths: number;
      /** When the call was made, epoch ms. */
      readonly at: number;
    }
  | {
      readonly kind: 'deployment';
      readonly operation: 'CreateDistribution' | 'UpdateDistribution';
      readonly distributionId: string;
      readonly eTag: string;
      readonly at: number;
    };

/** Why an event leads to no watch (logged, acknowledged). */
export type IgnoredApiCall = { readonly kind: 'ignored'; readonly reason: string };

/** True when `body` is an EventBridge event of a CloudTrail-recorded call (the watch queue's other bodies are checks). */
export function isApiCallEvent(body: unknown): body is Record<string, unknown> {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as Record<string, unknown>)['detail-type'] === API_CALL_DETAIL_TYPE
  );
}

/**
 * Reads one event. Failed calls (an `errorCode`), other services and other operations are ignored,
 * as is an event whose response lacks the ids (CloudTrail leaves `responseElements` null on errors).
 *
 * @param event - the EventBridge event (parsed JSON)
 */
export function readApiCall(event: Record<string, unknown>): ApiCall | IgnoredApiCall {
  const detail = record(event.detail);
  if (detail === undefined) return ignored('no detail');
  if (detail.eventSource !== 'cloudfront.amazonaws.com')
    return ignored(`eventSource ${text(detail.eventSource) ?? 'missing'}`);
  if (detail.errorCode !== undefined && detail.errorCode !== null)
    return ignored(`failed call (${text(detail.errorCode) ?? 'error'})`);
  const at = Date.parse(text(detail.eventTime) ?? text(event.time) ?? '');
  if (!Number.isFinite(at)) return ignored('no eventTime');
  const request = record(detail.requestParameters);
  const response = record(detail.responseElements);
  switch (detail.eventName) {
    case 'CreateInvalidation': {
      const invalidation = record(response?.invalidation);
      const batch = record(request?.invalidationBatch) ?? record(invalidation?.invalidationBatch);
      const distributionId = text(request?.distributionId);
      const invalidationId = text(invalidation?.id);
      if (distributionId === undefined || invalidationId === undefined)
        return ignored('CreateInvalidation without ids');
      const quantity = record(batch?.paths)?.quantity;
      return {
        kind: 'invalidation',
        distributionId,
        invalidationId,
        callerReference: text(batch?.callerReference) ?? '',
        paths: typeof quantity === 'number' && Number.isSafeInteger(quantity) && quantity >= 0 ? quantity : 0,
        at,
      };
    }
    case 'CreateDistribution':
    case 'UpdateDistribution': {
      const distributionId = text(record(response?.distribution)?.id) ?? text(request?.id);
      const eTag = text(response?.eTag) ?? text(response?.ETag);
      if (distributionId === undefined || eTag === undefined) return ignored(`${detail.eventName} without id or ETag`);
      return { kind: 'deployment', operation: detail.eventName, distributionId, eTag, at };
    }
    default:
      return ignored(`eventName ${text(detail.eventName) ?? 'missing'}`);
  }
}

function ignored(reason: string): IgnoredApiCall {
  return { kind: 'ignored', reason };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
}
