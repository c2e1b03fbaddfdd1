import { CloudFrontApiError, createInvalidArgument } from './errors.ts';
import { parseInvalidationBatch } from './invalidation-batch.ts';
import type { InvalidationStore } from './invalidation-store.ts';
import { renderDistribution, renderDistributionList } from './render-distribution.ts';
import { renderInvalidation, renderInvalidationList } from './render-invalidation.ts';
import type { MatchedRoute } from './routes.ts';
import type { EmulatedDistribution } from './types.ts';

/** What the operations read and change. */
export interface EmulatorState {
  readonly store: InvalidationStore;
  /** In ListDistributions order. */
  readonly distributions: readonly EmulatedDistribution[];
  /** Base URL for Location headers. */
  readonly endpoint: string;
  /** Characters refused anywhere in an invalidation path. */
  readonly refusedCharacters: string;
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
export function runOperation(route: MatchedRoute, body: string, state: EmulatorState): EmulatorResponse {
  switch (route.operation) {
    case 'CreateInvalidation': {
      const distribution = findDistribution(state, route.distributionId);
      const { invalidation } = state.store.create(
        distribution.id,
        parseInvalidationBatch(body, state.refusedCharacters),
      );
      const location = `${state.endpoint}/2020-05-31/distribution/${encodeURIComponent(distribution.id)}/invalidation/${invalidation.id}`;
      return xml(201, renderInvalidation(invalidation), { location });
    }
    case 'GetInvalidation': {
      const distribution = findDistribution(state, route.distributionId);
      return xml(200, renderInvalidation(state.store.get(distribution.id, route.invalidationId)));
    }
    case 'ListInvalidations': {
      const distribution = findDistribution(state, route.distributionId);
      const { marker, maxItems } = readPaging(route.query);
      return xml(200, renderInvalidationList(state.store.list(distribution.id, marker, maxItems), marker, maxItems));
    }
    case 'GetDistribution': {
      const distribution = findDistribution(state, route.distributionId);
      const inProgress = state.store.countInProgress(distribution.id);
      return xml(200, renderDistribution(distribution, inProgress), { etag: distribution.etag });
    }
    case 'ListDistributions': {
      const { marker, maxItems } = readPaging(route.query);
      return xml(
        200,
        renderDistributionList(pageDistributions(state.distributions, marker, maxItems), marker, maxItems),
      );
    }
  }
}

function findDistribution(state: EmulatorState, distributionId: string): EmulatedDistribution {
  const distribution = state.distributions.find((candidate) => candidate.id === distributionId);
  if (distribution === undefined) {
    throw new CloudFrontApiError(
      'NoSuchDistribution',
      404,
      `The specified distribution does not exist: ${distributionId}.`,
    );
  }
  return distribution;
}

function readPaging(query: URLSearchParams): { marker: string; maxItems: number } {
  const rawMaxItems = query.get('MaxItems');
  const maxItems = rawMaxItems === null ? DEFAULT_MAX_ITEMS : Number(rawMaxItems);
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw createInvalidArgument(`MaxItems must be a positive integer, got '${String(rawMaxItems).slice(0, 20)}'.`);
  }
  return { marker: query.get('Marker') ?? '', maxItems };
}

function pageDistributions(distributions: readonly EmulatedDistribution[], marker: string, maxItems: number) {
  const start = marker === '' ? 0 : distributions.findIndex((distribution) => distribution.id === marker) + 1;
  if (start === 0 && marker !== '') throw createInvalidArgument(`The marker does not name a distribution: ${marker}.`);
  const items = distributions.slice(start, start + maxItems);
  const isTruncated = start + items.length < distributions.length;
  const last = items.at(-1);
  return { items, isTruncated, nextMarker: isTruncated && last ? last.id : null };
}

function xml(status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers: { 'content-type': 'text/xml', ...headers } };
}
