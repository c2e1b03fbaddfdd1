import { randomUUID } from 'node:crypto';
import type { DistributionView } from './distribution-store.ts';
import type { RecordedInvalidation } from './types.ts';

/** The EventBridge `detail-type` of a management event recorded by CloudTrail. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** CloudFront is a global service: its management events are recorded in us-east-1. */
export const CLOUDFRONT_EVENT_REGION = 'us-east-1';

/** The CloudFront calls whose events the service follows. */
export type AuditedOperation = 'CreateInvalidation' | 'CreateDistribution' | 'UpdateDistribution';

/**
 * The event EventBridge delivers for a CloudFront API call recorded by CloudTrail
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html, detail = the CloudTrail record,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 * CloudTrail spells request and response members in camelCase (`distributionId`, `invalidation.id`, `eTag`).
 */
export interface CloudTrailApiCallEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': typeof CLOUDTRAIL_DETAIL_TYPE;
  readonly source: 'aws.cloudfront';
  readonly account: string;
  readonly time: string;
  readonly region: typeof CLOUDFRONT_EVENT_REGION;
  readonly resources: readonly string[];
  readonly detail: {
    readonly eventVersion: string;
    readonly userIdentity: Readonly<Record<string, string>>;
    readonly eventTime: string;
    readonly eventSource: 'cloudfront.amazonaws.com';
    readonly eventName: AuditedOperation;
    readonly awsRegion: typeof CLOUDFRONT_EVENT_REGION;
    readonly sourceIPAddress: string;
    readonly userAgent: string;
    readonly requestParameters: Readonly<Record<string, unknown>>;
    readonly responseElements: Readonly<Record<string, unknown>>;
    readonly requestID: string;
    readonly eventID: string;
    readonly readOnly: false;
    readonly eventType: 'AwsApiCall';
    readonly managementEvent: true;
    readonly recipientAccountId: string;
    readonly eventCategory: 'Management';
  };
}

/** Who called and how, read from the request (the SigV4 access key id names the caller). */
export interface CallerContext {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly userAgent: string;
  readonly requestId: string;
  readonly at: number;
}

/** The event of a CreateInvalidation (also a repeated one: CloudTrail records every successful call). */
export function invalidationCreatedEvent(caller: CallerContext, invalidation: RecordedInvalidation, location: string) {
  const batch = {
    paths: { quantity: invalidation.paths.length, items: [...invalidation.paths] },
    callerReference: invalidation.callerReference,
  };
  return apiCallEvent(
    'CreateInvalidation',
    caller,
    { distributionId: invalidation.distributionId, invalidationBatch: batch },
    {
      location,
      invalidation: {
        id: invalidation.id,
        status: invalidation.status,
        createTime: invalidation.createTime.toISOString(),
        invalidationBatch: batch,
      },
    },
  );
}

/** The event of a CreateDistribution or UpdateDistribution (the response's distribution is `InProgress`). */
export function distributionChangedEvent(
  operation: 'CreateDistribution' | 'UpdateDistribution',
  caller: CallerContext,
  view: DistributionView,
  ifMatch: string | undefined,
) {
  const { distribution } = view;
  const distributionConfig = {
    callerReference: distribution.callerReference,
    comment: distribution.comment,
    enabled: distribution.enabled,
  };
  const requestParameters =
    operation === 'UpdateDistribution'
      ? { id: distribution.id, ifMatch: ifMatch ?? '', distributionConfig }
      : { distributionConfig };
  return apiCallEvent(operation, caller, requestParameters, {
    eTag: distribution.etag,
    distribution: {
      id: distribution.id,
      aRN: distribution.arn,
      status: view.status,
      lastModifiedTime: distribution.lastModifiedTime.toISOString(),
      domainName: distribution.domainName,
      distributionConfig,
    },
  });
}

function apiCallEvent(
  eventName: AuditedOperation,
  caller: CallerContext,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown>,
): CloudTrailApiCallEvent {
  const time = new Date(caller.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source: 'aws.cloudfront',
    account: caller.accountId,
    time,
    region: CLOUDFRONT_EVENT_REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        principalId: caller.accessKeyId,
        arn: `arn:aws:iam::${caller.accountId}:user/${caller.accessKeyId}`,
        accountId: caller.accountId,
        accessKeyId: caller.accessKeyId,
      },
      eventTime: time,
      eventSource: 'cloudfront.amazonaws.com',
      eventName,
      awsRegion: CLOUDFRONT_EVENT_REGION,
      sourceIPAddress: '127.0.0.1',
      userAgent: caller.userAgent,
      requestParameters,
      responseElements,
      requestID: caller.requestId,
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: caller.accountId,
      eventCategory: 'Management',
    },
  };
}
