import { type CompiledRoute, servedPathsForKey } from '../../domain/routes.ts';

/** One edge path that does not serve what the bucket holds. */
export interface StaleObject {
  readonly path: string;
  readonly expected: 'content' | 'not-found';
  readonly status: number;
}

/**
 * Fetches every served path of every object (and of every deleted object) from the edge and compares
 * it with the bucket's current content: a path is stale when the edge serves old content, or still
 * serves an object that was deleted.
 *
 * @param edge - the caching edge's endpoint
 * @param route - the route of the bucket (origin path, index documents)
 * @param current - key -> content now in the bucket
 * @param deleted - keys deleted by the deploy
 */
export async function findStaleObjects(
  edge: string,
  route: CompiledRoute,
  current: ReadonlyMap<string, string | Buffer>,
  deleted: readonly string[],
): Promise<{ checked: number; stale: StaleObject[] }> {
  const checks: { path: string; body: Buffer | null }[] = [];
  for (const [key, body] of current) {
    for (const path of servedPathsForKey(route, route.originKeyPrefix + key))
      checks.push({ path, body: Buffer.from(body) });
  }
  const served = new Set(checks.map((check) => check.path));
  for (const key of deleted) {
    for (const path of servedPathsForKey(route, route.originKeyPrefix + key)) {
      if (!served.has(path)) checks.push({ path, body: null });
    }
  }
  const stale: StaleObject[] = [];
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const check = checks[next++] as { path: string; body: Buffer | null };
      const response = await fetch(`${edge}${check.path}`);
      const body = Buffer.from(await response.arrayBuffer());
      const fresh = check.body === null ? response.status === 404 : response.status === 200 && body.equals(check.body);
      if (!fresh)
        stale.push({
          path: check.path,
          expected: check.body === null ? 'not-found' : 'content',
          status: response.status,
        });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { checked: checks.length, stale: stale.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/** Requests every served path once, so the edge caches the current version. */
export async function warmEdge(edge: string, route: CompiledRoute, keys: Iterable<string>): Promise<number> {
  const paths = [...keys].flatMap((key) => servedPathsForKey(route, route.originKeyPrefix + key));
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const response = await fetch(`${edge}${paths[next++]}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return paths.length;
}
