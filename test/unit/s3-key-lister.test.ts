import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../../shared/adapters/errors.ts';
import { S3KeyLister } from '../../shared/adapters/s3-key-lister.ts';
import { s3Failure } from '../helpers/s3-failure.ts';

/** A client that lists `pages` full pages and then fails the next call as the SDK reports it. */
function failingAfter(pages: number, failure: Error): S3Client {
  let calls = 0;
  return {
    send: (command: unknown) => {
      if (!(command instanceof ListObjectsV2Command)) return Promise.reject(new Error('unexpected command'));
      calls++;
      if (calls > pages) return Promise.reject(failure);
      return Promise.resolve({
        Contents: [{ Key: `k${calls}` }],
        IsTruncated: true,
        NextContinuationToken: `t${calls}`,
      });
    },
  } as unknown as S3Client;
}

describe('S3KeyLister', () => {
  // S3 bills 2xx and 4xx answers, not 5xx ones (AWS, "Billing for Amazon S3 error responses"); the
  // collector's cost report adds what the error says to the month's LIST requests.
  it.each([
    { answer: 'no answer (connection reset)', status: undefined, name: 'ECONNRESET', requests: 3 },
    { answer: '500 InternalError', status: 500, name: 'InternalError', requests: 2 },
    { answer: '503 SlowDown', status: 503, name: 'SlowDown', requests: 2 },
    { answer: '403 AccessDenied', status: 403, name: 'AccessDenied', requests: 3 },
  ])(
    'says on its error the billed LIST requests up to a failed third page: $answer',
    async ({ status, name, requests }) => {
      // Prepare
      const lister = new S3KeyLister(failingAfter(2, s3Failure(name, status)), {
        maxRequests: 10,
        cacheMs: 0,
        now: () => 0,
      });
      // Act
      const error = await lister.listKeys('site', 'docs/').catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(InventoryError);
      expect((error as InventoryError).message).toBe(`ListObjectsV2 on s3://site/docs/ failed: ${name}`);
      expect((error as InventoryError).requests).toBe(requests);
    },
  );
});
