/**
 * Tells whether an invalidation path covers a request path, as CloudFront's edges decide it.
 *
 * A path ending in `*` is a prefix wildcard (`/icons/arrow-*` matches `/icons/arrow-left.svg`,
 * `/*` matches everything); any other path must equal the request path exactly. Both are
 * compared as given (case-sensitive, no decoding), so pass them in the same encoded form.
 * @param invalidationPath - a path from an invalidation batch, for example `/docs/*`.
 * @param requestPath - the path of the viewer request, without query string.
 */
export function matchesInvalidationPath(invalidationPath: string, requestPath: string): boolean {
  if (invalidationPath.endsWith('*')) return requestPath.startsWith(invalidationPath.slice(0, -1));
  return invalidationPath === requestPath;
}
