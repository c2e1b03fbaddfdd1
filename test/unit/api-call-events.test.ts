import { describe, expect, it } from 'vitest';
import { isApiCallEvent, readApiCall } from '../../shared/domain/api-call-events.ts';
import { isServiceCallerReference } from '../../shared/domain/unit-of-work.ts';

/** An EventBridge event of a CloudTrail-recorded CloudFront call, written from AWS's documented shape. */
function apiCall(eventName: string, detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: 'c7a3d5e1-0000-4000-8000-000000000001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudfront',
    account: '123456789012',
    time: '2026-11-21T12:00:05Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventTime: '2026-11-21T12:00:00Z',
      eventSource: 'cloudfront.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      ...detail,
    },
  };
}

describe('readApiCall', () => {
  it('reads a CreateInvalidation: ids, CallerReference, the count of paths and the call time', () => {
    // Prepare
    const event = apiCall('CreateInvalidation', {
      requestParameters: {
        distributionId: 'E2QWRUHAPOMQZL',
        invalidationBatch: { paths: { quantity: 2, items: ['/a.html', '/b/*'] }, callerReference: 'cli-1' },
      },
      responseElements: { invalidation: { id: 'I2J3K4L5M6N7O8', status: 'InProgress' } },
    });
    // Act
    const call = readApiCall(event);
    // Assess
    expect(isApiCallEvent(event)).toBe(true);
    expect(call).toEqual({
      kind: 'invalidation',
      distributionId: 'E2QWRUHAPOMQZL',
      invalidationId: 'I2J3K4L5M6N7O8',
      callerReference: 'cli-1',
      paths: 2,
      at: Date.parse('2026-11-21T12:00:00Z'),
    });
  });

  it('reads an UpdateDistribution by the id and the ETag it returned', () => {
    // Act
    const call = readApiCall(
      apiCall('UpdateDistribution', {
        requestParameters: { id: 'E2QWRUHAPOMQZL', ifMatch: 'E1OLD' },
        responseElements: { eTag: 'E2NEW', distribution: { id: 'E2QWRUHAPOMQZL', status: 'InProgress' } },
      }),
    );
    // Assess
    expect(call).toMatchObject({
      kind: 'deployment',
      operation: 'UpdateDistribution',
      distributionId: 'E2QWRUHAPOMQZL',
      eTag: 'E2NEW',
    });
  });

  it('ignores failed calls, other operations, other services and events without ids', () => {
    // Act
    const reasons = [
      apiCall('CreateInvalidation', { errorCode: 'AccessDenied', responseElements: null }),
      apiCall('GetDistribution', {}),
      { ...apiCall('CreateInvalidation', {}), detail: { eventSource: 's3.amazonaws.com' } },
      apiCall('UpdateDistribution', { requestParameters: { id: 'E2QWRUHAPOMQZL' }, responseElements: null }),
    ].map((event) => readApiCall(event));
    // Assess
    expect(reasons.map((reason) => reason.kind)).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    expect(reasons[0]).toEqual({ kind: 'ignored', reason: 'failed call (AccessDenied)' });
  });

  it('tells a watch check from an event', () => {
    expect(isApiCallEvent({ distributionId: 'E2QWRUHAPOMQZL', attempt: 1 })).toBe(false);
  });
});

describe('isServiceCallerReference', () => {
  it('knows the inv-<unit key> references of the service and nothing else', () => {
    expect(isServiceCallerReference(`inv-${'a1'.repeat(16)}`)).toBe(true);
    expect(['cli-1724570094-253923', 'inv-1', `inv-${'A1'.repeat(16)}`, ''].map(isServiceCallerReference)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
