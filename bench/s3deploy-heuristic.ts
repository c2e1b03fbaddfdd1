/**
 * s3deploy's CloudFront path reduction, ported for comparison only (bep/s3deploy, lib/cloudfront.go,
 * `normalizeInvalidationPaths`, MIT). Each changed object path is cleaned; an `index.html` becomes
 * its directory (`/docs/index.html` -> `/docs/`, so the file's own URL is not invalidated). Past the
 * threshold (8 in s3deploy), every path deeper than level k is replaced by a directory wildcard two
 * levels up (`/a/b/c.css` -> `/a/*`), for k from the deepest level up, until the count fits; if it
 * never fits, or `/*` appears, the answer is `/*`.
 */

/**
 * @param objectPaths - `/` + key of every uploaded or deleted object
 * @param threshold - most paths to return before falling back to `/*`
 */
export function normalizeLikeS3deploy(objectPaths: readonly string[], threshold: number): string[] {
  const matchAll = '/*';
  let normalized: string[] = [];
  let maxLevels = 0;
  for (const raw of objectPaths) {
    let path = cleanPath(raw);
    if (!path.startsWith('/')) path = `/${path}`;
    maxLevels = Math.max(maxLevels, countSlashes(path));
    if (path.endsWith('index.html')) {
      let dir = dirname(path);
      if (!dir.endsWith('/')) dir += '/';
      normalized.push(dir);
    } else {
      normalized.push(path);
    }
  }
  normalized = unique(normalized).sort();
  if (normalized.length > threshold) {
    for (let level = maxLevels; level > 0; level--) {
      normalized = normalized.map((path) => {
        if (countSlashes(path) <= level) return path;
        let parts = dirname(path).replace(/^\//, '').split('/');
        if (parts.length > 1) parts = parts.slice(0, -1);
        return `/${joinParts(parts)}/*`;
      });
      normalized = unique(normalized);
      if (normalized.length <= threshold) break;
    }
    if (normalized.length > threshold) return [matchAll];
  }
  return normalized.includes(matchAll) ? [matchAll] : normalized;
}

function countSlashes(path: string): number {
  let count = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) count++;
  return count;
}

/** Go's `path.Clean` for the paths it meets here: no empty segments, no trailing slash. */
function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  const joined = parts.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** Go's `path.Dir`. */
function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return cleanPath(at === -1 ? '.' : path.slice(0, at + 1));
}

/** Go's `path.Join` of relative parts. */
function joinParts(parts: readonly string[]): string {
  const joined = parts.filter((part) => part !== '').join('/');
  return joined === '' ? '' : cleanPath(joined);
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}
