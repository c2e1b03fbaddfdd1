import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontErrorCaching } from '../../shared/adapters/cloudfront-error-caching.ts';
import { NewKeyEvidenceError } from '../../shared/adapters/errors.ts';
import { S3VersionHistory } from '../../shared/adapters/s3-version-history.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createS3Client, uniqueName } from '../helpers/aws-clients.ts';
import { captureRejection, createAssetsDistribution, createSiteDistribution } from '../helpers/cloudfront-emulator.ts';

describe('CloudFrontErrorCaching', () => {
  let emulator: CloudFrontEmulator;
  let cloudFront: CloudFrontClient;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        createSiteDistribution(),
        createAssetsDistribution({
          customErrorResponses: [
            { errorCode: 404, errorCachingMinTtl: 300 },
            { errorCode: 403 },
            { errorCode: 500, errorCachingMinTtl: 3600 },
          ],
        }),
      ],
    });
    cloudFront = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    cloudFront.destroy();
    await emulator.stop();
  });

  it("reads CloudFront's 10 s default, or the longest 403/404 TTL, through GetDistribution", async () => {
    // Prepare
    const reader = new CloudFrontErrorCaching(cloudFront, { cacheMs: 60_000, now: Date.now });
    // Act
    const site = await reader.errorCachingMs('E1SITE0000000A');
    const assets = await reader.errorCachingMs('E2ASSETS00000B');
    // Assess
    expect([site, assets]).toEqual([10_000, 300_000]);
  });

  it('says which distribution failed, retryable', async () => {
    // Prepare
    const reader = new CloudFrontErrorCaching(cloudFront, { cacheMs: 0, now: Date.now });
    // Act
    const error = await captureRejection(reader.errorCachingMs('E9MISSING0000Z'));
    // Assess
    expect(error).toBeInstanceOf(NewKeyEvidenceError);
    expect(error.message).toBe('GetDistribution E9MISSING0000Z failed: NoSuchDistribution');
    expect((error as NewKeyEvidenceError).retryable).toBe(true);
  });
});

describe('S3VersionHistory', () => {
  let s3: S3Client;

  beforeAll(() => {
    s3 = createS3Client();
  });

  afterAll(() => {
    s3.destroy();
  });

  // fauxqs 1.9 has no bucket versioning (no GetBucketVersioning, no ListObjectVersions): its buckets
  // read as unversioned, which is the conservative answer; the versioned path has no local server.
  it('answers undefined for a bucket that is not versioned, so every created key stays must', async () => {
    // Prepare
    const bucket = uniqueName('unversioned');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/app.js', Body: 'x' }));
    const reader = new S3VersionHistory(s3, { maxRequests: 5, versioningCacheMs: 60_000, now: Date.now });
    // Act
    const histories = await reader.histories(bucket, ['assets/app.js']);
    // Assess
    expect(histories).toBeUndefined();
  });
});
