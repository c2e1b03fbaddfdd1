import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The environment the report command reads (the process's by default). */
export type ReportEnv = Readonly<Record<string, string | undefined>>;

/** SDK clients of one `invalidator report` run; destroy them when done. */
export interface ReportClients {
  readonly documents: DynamoDBDocumentClient;
  readonly cloudFront: CloudFrontClient;
  destroy(): void;
}

// DynamoDB Local and the CloudFront emulator accept any signature; a local run should not need a profile.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Creates the DynamoDB and CloudFront clients for the report. Region, profile and credentials come
 * from the usual AWS environment; an endpoint (the `--endpoint` flag, `AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_CLOUDFRONT`, `AWS_ENDPOINT_URL`) points a client at a local server, and then a
 * missing region defaults to us-east-1 and missing credentials to dummy ones.
 *
 * @param env - environment variables
 * @param dynamoEndpoint - the `--endpoint` flag, if given
 */
export function createReportClients(env: ReportEnv, dynamoEndpoint: string | undefined): ReportClients {
  const dynamo = new DynamoDBClient(clientConfig(env, dynamoEndpoint ?? setting(env, 'AWS_ENDPOINT_URL_DYNAMODB')));
  // CloudFront's API lives in us-east-1 whatever the region of the table.
  const cloudFront = new CloudFrontClient({
    ...clientConfig(env, setting(env, 'AWS_ENDPOINT_URL_CLOUDFRONT')),
    region: 'us-east-1',
  });
  return {
    documents: DynamoDBDocumentClient.from(dynamo),
    cloudFront,
    destroy() {
      dynamo.destroy();
      cloudFront.destroy();
    },
  };
}

function clientConfig(env: ReportEnv, serviceEndpoint: string | undefined) {
  const endpoint = serviceEndpoint ?? setting(env, 'AWS_ENDPOINT_URL');
  const region = setting(env, 'AWS_REGION') ?? setting(env, 'AWS_DEFAULT_REGION');
  const hasCredentials = setting(env, 'AWS_ACCESS_KEY_ID') !== undefined || setting(env, 'AWS_PROFILE') !== undefined;
  if (endpoint === undefined) return region === undefined ? {} : { region };
  return {
    endpoint,
    region: region ?? 'us-east-1',
    ...(hasCredentials ? {} : { credentials: LOCAL_CREDENTIALS }),
  };
}

function setting(env: ReportEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
