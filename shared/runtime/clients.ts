import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per container. Region, credentials and endpoints come from the usual AWS
 * environment (including `AWS_ENDPOINT_URL_<SERVICE>`, which the local stack uses).
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** CloudFront is a global service whose API lives in us-east-1. */
export function createCloudFrontClient(): CloudFrontClient {
  return new CloudFrontClient({ region: 'us-east-1' });
}
