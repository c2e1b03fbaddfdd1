import {
  type CallerContext,
  type CloudTrailApiCallEvent,
  distributionChangedEvent,
  invalidationCreatedEvent,
} from './cloudtrail-events.ts';
import { parseDistributionConfig } from './distribution-config.ts';
import type { DistributionStore, DistributionView } from './distribution-store.ts';
import { createInvalidArgument } from './errors.ts';
import { parseInvalidationBatch } from './invalidation-batch.ts';
import type { InvalidationStore } from './invalidation-store.ts';
import { renderDistribution, renderDistributionConfig, renderDistributionList } from './render-distribution.ts';
import { renderInvalidation, renderInvalidationList } from './render-invalidation.ts';
import type { MatchedRoute } from './routes.ts';

/** What the operations read and change. */
export interface EmulatorState {
  readonly store: InvalidationStore;
  readonly distributions: DistributionStore;
  /** Base URL for Location headers. */
  readonly endpoint: string;
  /** Characters refused anywhere in an invalidation path. */
  readonly refusedCharacters: string;
  /** Receives the CloudTrail event of each successful audited call. */
  readonly audit: (event: CloudTrailApiCallEvent) => void;
}

/** One request as the operations read it. */
export interface OperationRequest {
  readonly body: string;
  /** The `If-Match` header (UpdateDistribution). */
  readonly ifMatch: string | undefined;
  readonly caller: CallerContext;
}

/** A successful response, before it is written. */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const DEFAULT_MAX_ITEMS = 100;

/**
 * Runs one operation against the emulator state.
 * @throws CloudFrontApiError for every answer CloudFront gives as an error.
 */
export function runOperation(route: MatchedRoute, request: OperationRequest, state: EmulatorState): EmulatorResponse {
  switch (route.operation) {
    case 'CreateInvalidation': {
      const { distribution } = state.distributions.get(route.distributionId);
      const { invalidation } = state.store.create(
        distribution.id,
        parseInvalidationBatch(request.body, state.refusedCharacters),
      );
      const location = `${state.endpoint}/2020-05-31/distribution/${encodeURIComponent(distribution.id)}/invalidation/${invalidation.id}`;
      state.audit(invalidationCreatedEvent(request.caller, invalidation, location));
      return xml(201, renderInvalidation(invalidation), { location });
    }
    case 'GetInvalidation': {
      const { distribution } = state.distributions.get(route.distributionId);
      return xml(200, renderInvalidation(state.store.get(distribution.id, route.invalidationId)));
    }
    case 'ListInvalidations': {
      const { distribution } = state.distributions.get(route.distributionId);
      const { marker, maxItems } = readPaging(route.query);
      return xml(200, renderInvalidationList(state.store.list(distribution.id, marker, maxItems), marker, maxItems));
    }
    case 'GetDistribution':
      return distributionResponse(200, state.distributions.get(route.distributionId), state);
    case 'GetDistributionConfig': {
      const { distribution } = state.distributions.get(route.distributionId);
      return xml(200, renderDistributionConfig(distribution), { etag: distribution.etag });
    }
    case 'CreateDistribution': {
      const view = state.distributions.create(parseDistributionConfig(request.body));
      state.audit(distributionChangedEvent('CreateDistribution', request.caller, view, undefined));
      const location = `${state.endpoint}/2020-05-31/distribution/${encodeURIComponent(view.distribution.id)}`;
      return distributionResponse(201, view, state, { location });
    }
    case 'UpdateDistribution': {
      state.distributions.get(route.distributionId);
      const config = parseDistributionConfig(request.body);
      const view = state.distributions.update(route.distributionId, request.ifMatch, config);
      state.audit(distributionChangedEvent('UpdateDistribution', request.caller, view, request.ifMatch));
      return distributionResponse(200, view, state);
    }
    case 'ListDistributions': {
      const { marker, maxItems } = readPaging(route.query);
      return xml(
        200,
        renderDistributionList(pageDistributions(state.distributions.list(), marker, maxItems), marker, maxItems),
      );
    }
  }
}

function distributionResponse(
  status: number,
  { distribution, status: deployment }: DistributionView,
  state: EmulatorState,
  headers: Record<string, string> = {},
): EmulatorResponse {
  const inProgress = state.store.countInProgress(distribution.id);
  return xml(status, renderDistribution(distribution, deployment, inProgress), { etag: distribution.etag, ...headers });
}

function readPaging(query: URLSearchParams): { marker: string; maxItems: number } {
  const rawMaxItems = query.get('MaxItems');
  const maxItems = rawMaxItems === null ? DEFAULT_MAX_ITEMS : Number(rawMaxItems);
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw createInvalidArgument(`MaxItems must be a positive integer, got '${String(rawMaxItems).slice(0, 20)}'.`);
  }
  return { marker: query.get('Marker') ?? '', maxItems };
}

function pageDistributions(distributions: readonly DistributionView[], marker: string, maxItems: number) {
  const start = marker === '' ? 0 : distributions.findIndex((view) => view.distribution.id === marker) + 1;
  if (start === 0 && marker !== '') throw createInvalidArgument(`The marker does not name a distribution: ${marker}.`);
  const items = distributions.slice(start, start + maxItems);
  const isTruncated = start + items.length < distributions.length;
  const last = items.at(-1);
  return { items, isTruncated, nextMarker: isTruncated && last ? last.distribution.id : null };
}

function xml(status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers: { 'content-type': 'text/xml', ...headers } };
}
