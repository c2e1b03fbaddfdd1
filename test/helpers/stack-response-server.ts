import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** One PUT CloudFormation would have received on its pre-signed URL. */
export interface ReceivedResponse {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A local HTTP server standing in for the pre-signed S3 ResponseURL of custom resource requests. */
export interface ResponseServer {
  /** A ResponseURL on this server, unique per call. */
  url(): string;
  readonly received: ReceivedResponse[];
  /** Answers the next `count` requests with this status (e.g. 503 to test retries). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port. */
export async function startResponseServer(): Promise<ResponseServer> {
  const received: ReceivedResponse[] = [];
  let failures = 0;
  let failStatus = 500;
  let counter = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        response.writeHead(failStatus).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: () => {
      counter += 1;
      return `http://127.0.0.1:${port}/cfn-response/${counter}?X-Amz-Signature=test`;
    },
    received,
    failNext: (count, status) => {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type RequestType = CloudFormationCustomResourceEvent['RequestType'];

/**
 * A custom resource request as CloudFormation sends it (every scalar property a string).
 *
 * @param properties - ResourceProperties; `oldProperties` only for Update
 */
export function customResourceEvent(
  requestType: RequestType,
  responseUrl: string,
  properties: Record<string, unknown>,
  options: { physicalId?: string; oldProperties?: Record<string, unknown> } = {},
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:invalidator-dev-notifications',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/invalidator-dev/0123',
    RequestId: `request-${requestType}`,
    LogicalResourceId: 'BucketNotificationsExampleSite',
    ResourceType: 'Custom::BucketNotifications',
    ResourceProperties: { ServiceToken: 'token', ServiceTimeout: '300', ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  const PhysicalResourceId = options.physicalId ?? 'unknown';
  if (requestType === 'Delete') return { ...common, RequestType: 'Delete', PhysicalResourceId };
  return {
    ...common,
    RequestType: 'Update',
    PhysicalResourceId,
    OldResourceProperties: { ServiceToken: 'token', ...(options.oldProperties ?? properties) },
  };
}
