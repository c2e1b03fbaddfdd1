import type { EmulatorOperation } from './types.ts';

/** A request matched to one operation of the 2020-05-31 API. */
export interface MatchedRoute {
  readonly operation: EmulatorOperation;
  /** `''` for ListDistributions and CreateDistribution. */
  readonly distributionId: string;
  /** `''` unless GetInvalidation. */
  readonly invalidationId: string;
  readonly query: URLSearchParams;
}

const API_VERSION = '2020-05-31';

/**
 * Matches a request line to an operation, as the SDK's REST bindings build it
 * (`/2020-05-31/distribution/{DistributionId}/invalidation/{Id}` and friends).
 * @returns null for anything the emulator does not serve.
 */
export function matchRoute(method: string, rawUrl: string): MatchedRoute | null {
  const url = new URL(rawUrl, 'http://emulator.invalid');
  const segments = decodeSegments(url.pathname);
  if (segments === null || segments[0] !== API_VERSION || segments[1] !== 'distribution') return null;
  const [, , distributionId = '', collection, invalidationId = ''] = segments;
  const route = (operation: EmulatorOperation, ids: { distributionId?: string; invalidationId?: string } = {}) => ({
    operation,
    distributionId: ids.distributionId ?? '',
    invalidationId: ids.invalidationId ?? '',
    query: url.searchParams,
  });
  switch (`${method} ${segments.length}`) {
    case 'GET 2':
      return route('ListDistributions');
    case 'POST 2':
      return route('CreateDistribution');
    case 'GET 3':
      return route('GetDistribution', { distributionId });
    case 'GET 4':
      if (collection === 'config') return route('GetDistributionConfig', { distributionId });
      return collection === 'invalidation' ? route('ListInvalidations', { distributionId }) : null;
    case 'PUT 4':
      return collection === 'config' ? route('UpdateDistribution', { distributionId }) : null;
    case 'POST 4':
      return collection === 'invalidation' ? route('CreateInvalidation', { distributionId }) : null;
    case 'GET 5':
      return collection === 'invalidation' ? route('GetInvalidation', { distributionId, invalidationId }) : null;
    default:
      return null;
  }
}

function decodeSegments(pathname: string): string[] | null {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}
