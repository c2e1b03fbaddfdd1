import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';
import { DeployError } from '../../shared/deploy/errors.ts';

/** CloudFormation reads at most 4 KB of response; the reason is the part that can grow. */
const MAX_REASON_LENGTH = 1000;
const ATTEMPTS = 3;

/**
 * Sends a custom resource response to CloudFormation's pre-signed S3 URL: an HTTP PUT of the JSON
 * body with an empty Content-Type (the URL is signed without one). Retries network failures and 5xx
 * twice, because a lost response leaves the stack waiting until the resource's ServiceTimeout.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-responses.html
 *
 * @throws DeployError (retryable) when every attempt failed
 */
export async function sendCustomResourceResponse(
  responseUrl: string,
  response: CloudFormationCustomResourceResponse,
): Promise<void> {
  const body = JSON.stringify(
    response.Status === 'FAILED' ? { ...response, Reason: response.Reason.slice(0, MAX_REASON_LENGTH) } : response,
  );
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await put(responseUrl, body);
      return;
    } catch (error) {
      lastError = error;
      if (error instanceof DeployError && !error.retryable) break;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  throw new DeployError(`custom resource response: expected CloudFormation to accept it, got ${describe(lastError)}`, {
    retryable: true,
    cause: lastError,
  });
}

function put(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const request = target.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new DeployError(`HTTP ${status}`, { retryable: status >= 500 }));
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new DeployError('no answer within 10 s', { retryable: true })));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
