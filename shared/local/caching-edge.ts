import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_ERROR_CACHING_SECONDS } from '../domain/new-keys.ts';
import type { RecordedInvalidation } from './cloudfront-emulator/index.ts';
import { matchesInvalidationPath } from './cloudfront-emulator/index.ts';

/** The origin of one distribution as the edge serves it. */
export interface EdgeOrigin {
  readonly distributionId: string;
  readonly bucket: string;
  /** CloudFront OriginPath, e.g. `/prod` (`''` for none). */
  readonly originPath: string;
  /** Served for `/` and for `dir/` requests (`index.html`), like S3 website hosting. */
  readonly indexDocument: string | null;
  /**
   * Also serve `dir` (no slash) from `dir/index.html` when `dir` itself is no object, as a pretty-URL
   * rewrite in front of the origin does; the route's `indexNoSlash` invalidates that path too.
   */
  readonly indexNoSlash?: boolean;
}

/** A running caching edge. */
export interface CachingEdge {
  readonly endpoint: string;
  /** Objects in cache now. */
  size(): number;
  stop(): Promise<void>;
}

interface CacheEntry {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly cachedAt: number;
}

/** The default TTL of the edge: a day, like CloudFront's default, so only invalidations make it fresh. */
export const EDGE_TTL_MS = 86_400_000;

/** The origin errors the edge caches: S3's answers for a missing key (403 without s3:ListBucket). */
const CACHED_ERRORS: ReadonlySet<number> = new Set([403, 404]);

/**
 * A tiny CloudFront-like edge: serves one distribution's bucket through a cache with a long TTL and
 * honours the emulator's invalidations. An entry cached before a Completed invalidation that matches
 * its path (exact, or prefix for `…*`) is evicted, so `curl` shows stale, then fresh. Cache keys are
 * the request paths as sent (percent-encoded), the same space the invalidation paths live in.
 * Like CloudFront, it caches a 403 or 404 from the origin for the distribution's error-caching TTL
 * (`ErrorCachingMinTTL`, 10 s by default), so a key requested before its upload reads as missing until
 * that TTL passes or an invalidation covers it. Other origin errors are not cached.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/custom-error-pages-expiration.html
 * Headers: `x-cache: Hit from edge | Miss from edge`, `age`, `etag`.
 */
export async function startCachingEdge(options: {
  origin: EdgeOrigin;
  s3: S3Client;
  invalidations: (distributionId: string) => readonly RecordedInvalidation[];
  /** How long the distribution caches an origin error of this status, ms (default CloudFront's 10 s). */
  errorCachingMs?: (distributionId: string, status: number) => number;
  now?: () => number;
}): Promise<CachingEdge> {
  const now = options.now ?? Date.now;
  const errorCachingMs = options.errorCachingMs ?? (() => DEFAULT_ERROR_CACHING_SECONDS * 1000);
  const cache = new Map<string, CacheEntry>();
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`edge error: ${(error as Error).name}\n`);
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const cached = cache.get(path);
    if (cached !== undefined && isFresh(cached, path)) {
      reply(response, cached, 'Hit from edge');
      return;
    }
    const entry = await fetchOrigin(path);
    if (entry.status === 200 || CACHED_ERRORS.has(entry.status)) cache.set(path, entry);
    else cache.delete(path);
    reply(response, entry, 'Miss from edge');
  }

  function isFresh(entry: CacheEntry, path: string): boolean {
    const ttl = entry.status === 200 ? EDGE_TTL_MS : errorCachingMs(options.origin.distributionId, entry.status);
    if (now() - entry.cachedAt >= ttl) return false;
    for (const invalidation of options.invalidations(options.origin.distributionId)) {
      if (invalidation.status !== 'Completed' || invalidation.createTime.getTime() < entry.cachedAt) continue;
      if (invalidation.paths.some((pattern) => matchesInvalidationPath(pattern, path))) return false;
    }
    return true;
  }

  async function fetchOrigin(path: string): Promise<CacheEntry> {
    const key = keyOf(path, options.origin);
    const cachedAt = now();
    if (key === undefined)
      return { status: 400, body: Buffer.from('bad path\n'), contentType: 'text/plain', etag: '', cachedAt };
    const entry = await fetchKey(key, cachedAt);
    const { indexDocument, indexNoSlash } = options.origin;
    if (entry.status !== 404 || indexNoSlash !== true || indexDocument === null || path.endsWith('/')) return entry;
    return fetchKey(`${key}/${indexDocument}`, cachedAt);
  }

  async function fetchKey(key: string, cachedAt: number): Promise<CacheEntry> {
    try {
      const object = await options.s3.send(new GetObjectCommand({ Bucket: options.origin.bucket, Key: key }));
      const body = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
      return {
        status: 200,
        body,
        contentType: object.ContentType ?? 'application/octet-stream',
        etag: object.ETag ?? '',
        cachedAt,
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 502;
      const cacheable = CACHED_ERRORS.has(status);
      return {
        status: cacheable ? status : 502,
        body: Buffer.from(status === 404 ? 'not found\n' : cacheable ? 'forbidden\n' : 'bad gateway\n'),
        contentType: 'text/plain',
        etag: '',
        cachedAt,
      };
    }
  }

  function reply(response: ServerResponse, entry: CacheEntry, cacheStatus: string): void {
    response.writeHead(entry.status, {
      'content-type': entry.contentType,
      'x-cache': cacheStatus,
      age: String(Math.floor((now() - entry.cachedAt) / 1000)),
      ...(entry.etag ? { etag: entry.etag } : {}),
    });
    response.end(entry.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    size: () => cache.size,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The S3 key a request path is served from: percent-decoded, origin path prepended, index document
 * for `/` and `dir/`. `undefined` for a malformed path.
 */
export function keyOf(path: string, origin: EdgeOrigin): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice(1));
  } catch {
    return undefined;
  }
  if ((relative === '' || relative.endsWith('/')) && origin.indexDocument !== null) relative += origin.indexDocument;
  const prefix = origin.originPath === '' ? '' : `${origin.originPath.slice(1)}/`;
  return `${prefix}${relative}`;
}
