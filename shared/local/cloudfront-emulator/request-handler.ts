import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFrontApiError } from './errors.ts';
import type { Fault, FaultInjector, FaultKind } from './faults.ts';
import { createRequestId } from './ids.ts';
import { type EmulatorResponse, type EmulatorState, runOperation } from './operations.ts';
import { renderError } from './render-error.ts';
import { matchRoute } from './routes.ts';
import type { EmulatorOperation } from './types.ts';

/** One request the emulator received, for tests to inspect. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** null when no operation matched. */
  readonly operation: EmulatorOperation | null;
  readonly fault: FaultKind | null;
  /** null when the connection was dropped instead of answered. */
  readonly status: number | null;
  /** CloudFront's error code of an error answer (e.g. `InvalidationBatchAlreadyExists`), else null. */
  readonly errorCode: string | null;
}

/** What the handler needs; read on every request so `reset()` can swap the state. */
export interface RequestHandlerDependencies {
  readonly state: () => EmulatorState;
  readonly faults: FaultInjector;
  readonly record: (request: RecordedRequest) => void;
  /** For the CloudTrail events' account and time. */
  readonly accountId: string;
  readonly now: () => number;
}

type Outcome = EmulatorResponse | 'drop';

/** Builds the node:http listener of the emulator. */
export function createRequestHandler(
  dependencies: RequestHandlerDependencies,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    // A client that goes away mid-body leaves nothing to answer.
    handleRequest(request, response, dependencies).catch(() => response.destroy());
  };
}

async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  { state, faults, record, accountId, now }: RequestHandlerDependencies,
): Promise<void> {
  const method = request.method ?? 'GET';
  const path = request.url ?? '/';
  const requestId = createRequestId();
  const body = await readBody(request);
  const route = matchRoute(method, path);
  const fault = route === null ? null : faults.take(route.operation);
  let outcome: Outcome;
  if (route === null) {
    outcome = toErrorResponse(
      new CloudFrontApiError('NotImplemented', 501, `The emulator does not serve ${method} ${path}.`),
      requestId,
    );
  } else {
    if (fault?.kind === 'latency') await sleep(fault.ms);
    const operationRequest = {
      body,
      ifMatch: headerOf(request, 'if-match'),
      caller: {
        accountId,
        accessKeyId: accessKeyIdOf(headerOf(request, 'authorization')),
        userAgent: headerOf(request, 'user-agent') ?? '',
        requestId,
        at: now(),
      },
    };
    outcome = applyFault(fault, requestId) ?? answer(() => runOperation(route, operationRequest, state()), requestId);
    if (fault?.kind === 'lostResponse') {
      outcome = fault.as === 'reset' ? 'drop' : toErrorResponse(internalError(), requestId);
    }
  }
  record({
    method,
    path,
    operation: route?.operation ?? null,
    fault: fault?.kind ?? null,
    status: outcome === 'drop' ? null : outcome.status,
    errorCode:
      outcome === 'drop' || outcome.status < 400 ? null : (/<Code>([^<]+)<\/Code>/.exec(outcome.body)?.[1] ?? null),
  });
  write(response, outcome, requestId);
}

/** The response a fault replaces the operation with, or null when the operation runs. */
function applyFault(fault: Fault | null, requestId: string): Outcome | null {
  switch (fault?.kind) {
    case 'throttle':
      return toErrorResponse(new CloudFrontApiError('Throttling', 400, 'Rate exceeded'), requestId);
    case 'serverError':
      return toErrorResponse(internalError(), requestId);
    case 'serviceUnavailable':
      return toErrorResponse(
        new CloudFrontApiError('ServiceUnavailable', 503, 'The service is unavailable. Please try again later.'),
        requestId,
      );
    case 'reset':
      return 'drop';
    default:
      return null;
  }
}

function answer(operation: () => EmulatorResponse, requestId: string): EmulatorResponse {
  try {
    return operation();
  } catch (error) {
    if (error instanceof CloudFrontApiError) return toErrorResponse(error, requestId);
    return toErrorResponse(
      new CloudFrontApiError('InternalError', 500, `The emulator failed: ${String(error)}`, { cause: error }),
      requestId,
    );
  }
}

function internalError(): CloudFrontApiError {
  return new CloudFrontApiError('InternalError', 500, 'We encountered an internal error. Please try again.');
}

function toErrorResponse(error: CloudFrontApiError, requestId: string): EmulatorResponse {
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body: renderError(error, requestId) };
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The access key id of a SigV4 `Authorization` header (`Credential=AKID/date/region/service/aws4_request`). */
function accessKeyIdOf(authorization: string | undefined): string {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? 'anonymous';
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function write(response: ServerResponse, outcome: Outcome, requestId: string): void {
  if (response.destroyed) return;
  if (outcome === 'drop') {
    response.socket?.destroy();
    return;
  }
  response.writeHead(outcome.status, {
    ...outcome.headers,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(outcome.body),
  });
  response.end(outcome.body);
}
