import { CloudFrontServiceException, type CreateInvalidationCommandInput } from '@aws-sdk/client-cloudfront';
import type { EmulatorDistributionConfig } from '../../shared/local/cloudfront-emulator/index.ts';

/** A static site: one S3 origin, no origin path. */
export function createSiteDistribution(
  overrides: Partial<EmulatorDistributionConfig> = {},
): EmulatorDistributionConfig {
  return {
    id: 'E1SITE0000000A',
    origins: [{ id: 'site-bucket', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }],
    aliases: ['www.example.com'],
    comment: 'static site',
    defaultRootObject: 'index.html',
    ...overrides,
  };
}

/** An asset distribution: S3 origin under `/prod`, plus an API origin behind `/api/*`. */
export function createAssetsDistribution(
  overrides: Partial<EmulatorDistributionConfig> = {},
): EmulatorDistributionConfig {
  return {
    id: 'E2ASSETS00000B',
    origins: [
      { id: 'assets-bucket', domainName: 'assets-bucket.s3.us-east-1.amazonaws.com', originPath: '/prod' },
      { id: 'api', domainName: 'api.example.com' },
    ],
    cacheBehaviors: [{ pathPattern: '/api/*', targetOriginId: 'api' }],
    ...overrides,
  };
}

/** The input of CreateInvalidation for `paths`, with Quantity matching. */
export function createInvalidationInput(
  distributionId: string,
  paths: readonly string[],
  callerReference: string,
): CreateInvalidationCommandInput {
  return {
    DistributionId: distributionId,
    InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: [...paths] } },
  };
}

/** `count` distinct exact paths: `/<prefix>/0.html`, `/<prefix>/1.html`, … */
export function createExactPaths(count: number, prefix = 'page'): string[] {
  return Array.from({ length: count }, (_, index) => `/${prefix}/${index}.html`);
}

/** The rejection of `promise`; fails the test when it resolves or rejects with a non-Error. */
export async function captureRejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The CloudFront exception `promise` rejects with (any modelled or unmodelled code); fails the test otherwise. */
export async function captureServiceException(promise: Promise<unknown>): Promise<CloudFrontServiceException> {
  const error = await captureRejection(promise);
  if (error instanceof CloudFrontServiceException) return error;
  throw new Error(`expected a CloudFrontServiceException, got ${error.name}: ${error.message}`);
}
