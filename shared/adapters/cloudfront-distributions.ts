import { type CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import type { DistributionStatusReader } from '../app/watch-ports.ts';
import { classifyCloudFrontError } from './cloudfront-gateway.ts';
import { CloudFrontError } from './errors.ts';

/**
 * Reads a distribution's deployment status (GetDistribution: `InProgress` until a change reaches every
 * edge location, then `Deployed`). IAM: cloudfront:GetDistribution on the named distribution ARNs.
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistribution.html
 */
export class CloudFrontDistributions implements DistributionStatusReader {
  readonly #client: CloudFrontClient;

  constructor(client: CloudFrontClient) {
    this.#client = client;
  }

  /**
   * @throws CloudFrontError: retryable for throttling and 5xx; not for NoSuchDistribution or AccessDenied
   */
  async getDistribution(distributionId: string): Promise<{ readonly status: string; readonly eTag: string }> {
    try {
      const result = await this.#client.send(new GetDistributionCommand({ Id: distributionId }));
      const status = result.Distribution?.Status;
      if (status === undefined) {
        throw new CloudFrontError(`GetDistribution on ${distributionId}: expected a Status, got none`, {
          retryable: true,
          definite: true,
          code: 'MissingStatus',
        });
      }
      return { status, eTag: result.ETag ?? '' };
    } catch (error) {
      throw error instanceof CloudFrontError
        ? error
        : classifyCloudFrontError(`GetDistribution on ${distributionId}`, error);
    }
  }
}
