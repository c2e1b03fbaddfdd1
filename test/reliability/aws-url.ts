/**
 * The URLs a viewer requests for an S3 object, built for the fault suite from AWS's documented rule and
 * nothing of the service's own (no `shared/domain/paths.ts`): the freshness check must not share the
 * encoder it checks.
 *
 * The rule (CloudFront Developer Guide, "What you need to know when invalidating files", invalidation
 * paths): "If the path includes non-ASCII characters or unsafe characters as defined in RFC 1738,
 * URL-encode those characters. Don't URL-encode any other characters in the path, or CloudFront will
 * not invalidate the old version of the updated file."
 *
 * RFC 1738, section 2.2: octets 00-1F and 7F (control), 80-FF (not US-ASCII), and the unsafe characters
 * space `<` `>` `"` `#` `%` `{` `}` `|` `\` `^` `~` `[` `]` and the grave accent are encoded. One reserved
 * character is encoded too, because a viewer cannot request the key otherwise: `?` (raw, it would start
 * the query string). `/` stays: it separates the segments of the key. Hex digits are upper case, as in
 * AWS's examples.
 */

const UNSAFE = new Set([' ', '<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`']);
const RESERVED_IN_SEGMENT = new Set(['?']);

/**
 * Encodes a key (relative to the distribution's origin path) as the path a viewer requests.
 *
 * @param relativeKey - the decoded S3 key without the origin path, without a leading `/`
 * @returns `/` + the encoded key
 */
export function viewerPathOf(relativeKey: string): string {
  let out = '/';
  for (const character of relativeKey) {
    const code = character.codePointAt(0) as number;
    if (code > 0x7e || code < 0x20 || UNSAFE.has(character) || RESERVED_IN_SEGMENT.has(character)) {
      for (const byte of Buffer.from(character, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += character;
    }
  }
  return out;
}

/** What a distribution serves of a key: the edge's origin path and index document rules. */
export interface ViewerRoute {
  /** The key prefix the distribution's origin path maps to (`prod/` for `/prod`, `` for none). */
  readonly originKeyPrefix: string;
  /** The index document S3 serves for a directory (`index.html`), or null. */
  readonly indexDocument: string | null;
  /** Whether `dir` (without the slash) is served from `dir/index.html` too (a pretty-URL rewrite). */
  readonly indexNoSlash: boolean;
}

/**
 * Every URL path a viewer can fetch a key at through a distribution: the key itself, and for an index
 * document its directory (`dir/`, and `dir` when the route rewrites it; the root index at `/`).
 *
 * @param route - the distribution's serving rules
 * @param key - the full S3 key
 * @returns the viewer paths, none when the distribution does not serve the key
 */
export function viewerPathsOf(route: ViewerRoute, key: string): string[] {
  if (!key.startsWith(route.originKeyPrefix)) return [];
  const relative = key.slice(route.originKeyPrefix.length);
  const paths = [viewerPathOf(relative)];
  const index = route.indexDocument;
  if (index === null) return paths;
  if (relative === index) return [...paths, '/'];
  if (!relative.endsWith(`/${index}`)) return paths;
  const directory = viewerPathOf(relative.slice(0, -index.length));
  paths.push(directory);
  if (route.indexNoSlash) paths.push(directory.slice(0, -1));
  return paths;
}
