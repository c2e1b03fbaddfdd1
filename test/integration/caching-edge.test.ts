import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CachingEdge, startCachingEdge } from '../../shared/local/caching-edge.ts';
import type { RecordedInvalidation } from '../../shared/local/cloudfront-emulator/index.ts';
import { createS3Client, uniqueName } from '../helpers/aws-clients.ts';

const DISTRIBUTION = 'E1EDGE00000000';
const TTL_MS = 30_000;

describe('startCachingEdge', () => {
  let s3: S3Client;
  let edge: CachingEdge;
  let bucket: string;
  let clock = Date.parse('2026-11-21T12:00:00.000Z');
  const invalidations: RecordedInvalidation[] = [];

  beforeAll(async () => {
    s3 = createS3Client();
    bucket = uniqueName('edge-errors');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    edge = await startCachingEdge({
      origin: { distributionId: DISTRIBUTION, bucket, originPath: '', indexDocument: 'index.html' },
      s3,
      invalidations: () => invalidations,
      errorCachingMs: (id, status) => (id === DISTRIBUTION && status === 404 ? TTL_MS : 10_000),
      now: () => clock,
    });
  });

  afterAll(async () => {
    await edge.stop();
    s3.destroy();
  });

  async function get(path: string) {
    const response = await fetch(`${edge.endpoint}${path}`);
    return [response.status, response.headers.get('x-cache'), await response.text()] as const;
  }

  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  it("keeps serving a 404 cached before the upload until the distribution's error-caching TTL has passed", async () => {
    // Prepare: the key is requested before it exists, then uploaded.
    const before = await get('/late.js');
    await put('late.js', 'late');
    // Act
    const inside = await get('/late.js');
    clock += TTL_MS - 1;
    const lastMoment = await get('/late.js');
    clock += 1;
    const after = await get('/late.js');
    // Assess
    expect([before, inside, lastMoment, after]).toEqual([
      [404, 'Miss from edge', 'not found\n'],
      [404, 'Hit from edge', 'not found\n'],
      [404, 'Hit from edge', 'not found\n'],
      [200, 'Miss from edge', 'late'],
    ]);
  });

  it('drops a cached 404 when an invalidation that covers it completes', async () => {
    // Prepare
    await get('/assets/new.js');
    await put('assets/new.js', 'new');
    clock += 1;
    invalidations.push({
      id: 'I1',
      distributionId: DISTRIBUTION,
      callerReference: 'ref',
      paths: ['/assets/*'],
      createTime: new Date(clock),
      status: 'Completed',
      completedAt: new Date(clock),
    });
    // Act
    const served = await get('/assets/new.js');
    // Assess
    expect(served).toEqual([200, 'Miss from edge', 'new']);
  });
});
