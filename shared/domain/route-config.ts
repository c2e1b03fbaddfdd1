import { describeValue, RouteConfigError } from './errors.ts';
import { MAX_PATH_LENGTH } from './paths.ts';

/** `distributionId: "auto"`: the deployment finds the distribution whose origin is the bucket. */
export const AUTO_DISTRIBUTION = 'auto';

/** The index document when a route does not name one. */
export const DEFAULT_INDEX_DOCUMENT = 'index.html';

/** A trigger: when one of `keys` changes, issue exactly `paths`; the route's other keys are ignored. */
export interface RouteTrigger {
  readonly keys: readonly string[];
  readonly paths: readonly string[];
}

/** One validated route: a bucket (and key prefix) feeding one distribution. Defaults filled in. */
export interface RouteConfig {
  readonly bucket: string;
  /** Only keys starting with this prefix take this route (`""`: all keys). */
  readonly prefix: string;
  /** A CloudFront distribution id, or `"auto"`. */
  readonly distributionId: string;
  /** The origin's OriginPath, like `/prod` (`""`: none). Keys outside it are not served. */
  readonly originPath: string;
  /** `index.html` by default; `null` turns index handling off. */
  readonly indexDocument: string | null;
  /** Also invalidate `/docs` (not just `/docs/`) for `docs/index.html`. */
  readonly indexNoSlash: boolean;
  /** Globs on the S3 key (e.g. fingerprinted assets that never change); shared/domain/exclude-glob.ts. */
  readonly exclude: readonly string[];
  readonly trigger: RouteTrigger | null;
  /**
   * List the bucket so the planner knows what else the distribution serves; on unless the route sets
   * `false` or is a trigger route.
   */
  readonly inventory: boolean;
  /**
   * Freshness SLO of this route's changes: the longest they may be held in the pending set to coalesce
   * with later ones, in seconds. `undefined`: the stage's `maxStalenessSeconds` param.
   */
  readonly maxStalenessSeconds: number | undefined;
}

/** The longest `maxStalenessSeconds` a route or stage may ask for: 31 days (a month of holding). */
export const MAX_STALENESS_LIMIT_SECONDS = 31 * 86_400;

const FIELDS = [
  'bucket',
  'prefix',
  'distributionId',
  'originPath',
  'indexDocument',
  'indexNoSlash',
  'exclude',
  'trigger',
  'inventory',
  'maxStalenessSeconds',
] as const;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DISTRIBUTION_ID = /^E[A-Z0-9]{7,20}$/;
// Printable ASCII CloudFront takes literally in a path (RFC 1738 unsafe ones, "?" and "#" excluded; "%" starts an escape).
const PATH_SAFE = new Uint8Array(128);
for (let code = 0x21; code < 0x7f; code++) PATH_SAFE[code] = 1;
for (const char of '"#<>?[\\]^`{|}~') PATH_SAFE[char.charCodeAt(0)] = 0;

type Json = Record<string, unknown>;

/**
 * True for a name S3 allows for a bucket (3 to 63 lower-case letters, digits, dots and hyphens).
 *
 * @param name - any text
 */
export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name);
}

/**
 * Validates a route configuration from JSON: `{ "routes": [...] }` (other top-level fields are left to
 * the caller) or the array itself. Unknown route fields are errors, so typos do not pass silently.
 *
 * @param config - parsed JSON
 * @returns the routes with defaults filled in
 * @throws RouteConfigError naming the first bad field, e.g. `routes[2].distributionId: expected ..., got "x"`
 */
export function parseRouteConfig(config: unknown): RouteConfig[] {
  const routes = Array.isArray(config) ? config : isObject(config) ? config.routes : undefined;
  if (!Array.isArray(routes) || routes.length === 0) {
    fail('routes', 'a non-empty array of routes', Array.isArray(config) || !isObject(config) ? config : routes);
  }
  return routes.map((route: unknown, i) => parseRoute(route, `routes[${i}]`));
}

function parseRoute(route: unknown, at: string): RouteConfig {
  if (!isObject(route)) fail(at, 'an object', route);
  for (const field of Object.keys(route)) {
    if (!FIELD_SET.has(field)) failUnknownField(`${at}.${field}`, FIELDS);
  }
  const bucket = route.bucket;
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) {
    fail(`${at}.bucket`, 'an S3 bucket name (3-63 characters of a-z, 0-9, "." and "-")', bucket);
  }
  const distributionId = route.distributionId;
  if (
    typeof distributionId !== 'string' ||
    !(distributionId === AUTO_DISTRIBUTION || DISTRIBUTION_ID.test(distributionId))
  ) {
    fail(`${at}.distributionId`, 'a CloudFront distribution id like E2QWRUHAPOMQZL or "auto"', distributionId);
  }
  const trigger = parseTrigger(route.trigger, `${at}.trigger`);
  return {
    bucket,
    prefix: parsePrefix(route.prefix, `${at}.prefix`),
    distributionId,
    originPath: parseOriginPath(route.originPath, `${at}.originPath`),
    indexDocument: parseIndexDocument(route.indexDocument, `${at}.indexDocument`),
    indexNoSlash: parseBoolean(route.indexNoSlash, `${at}.indexNoSlash`),
    exclude: parseStrings(route.exclude, `${at}.exclude`, 'a glob', false),
    trigger,
    // On by default (#18): a listing under the batch's common prefix lets the planner pick the wildcards
    // that evict nothing. A trigger route issues fixed paths, so it has nothing to list for.
    inventory: route.inventory === undefined ? trigger === null : parseBoolean(route.inventory, `${at}.inventory`),
    maxStalenessSeconds: parseStaleness(route.maxStalenessSeconds, `${at}.maxStalenessSeconds`),
  };
}

function parseStaleness(value: unknown, at: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_STALENESS_LIMIT_SECONDS) {
    const expected = `a whole number of seconds from 0 to ${MAX_STALENESS_LIMIT_SECONDS} (31 days), or null for the stage's maxStalenessSeconds`;
    fail(at, expected, value);
  }
  return value;
}

function parsePrefix(value: unknown, at: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.startsWith('/'))
    fail(at, 'a key prefix without a leading "/", like "docs/"', value);
  return value;
}

function parseOriginPath(value: unknown, at: string): string {
  if (value === undefined || value === '' || value === '/') return '';
  // CloudFront's own rule for OriginPath: starts with "/", does not end with "/".
  if (typeof value !== 'string' || !value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    fail(at, 'a path that starts with "/" and does not end with "/", like "/prod"', value);
  }
  return value;
}

function parseIndexDocument(value: unknown, at: string): string | null {
  if (value === undefined) return DEFAULT_INDEX_DOCUMENT;
  if (value === null) return null;
  if (typeof value !== 'string' || value === '' || value.includes('/')) {
    fail(at, 'a file name without "/" (like "index.html") or null to turn index documents off', value);
  }
  return value;
}

function parseBoolean(value: unknown, at: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(at, 'true or false', value);
  return value;
}

function parseTrigger(value: unknown, at: string): RouteTrigger | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) fail(at, 'an object { "keys": [...], "paths": [...] }', value);
  for (const field of Object.keys(value)) {
    if (field !== 'keys' && field !== 'paths') failUnknownField(`${at}.${field}`, ['keys', 'paths']);
  }
  const keys = parseStrings(value.keys, `${at}.keys`, 'an S3 key', true);
  const paths = parseStrings(value.paths, `${at}.paths`, 'a path', true);
  for (let i = 0; i < paths.length; i++) checkTriggerPath(paths[i] as string, `${at}.paths[${i}]`);
  return { keys, paths };
}

function checkTriggerPath(path: string, at: string): void {
  const star = path.indexOf('*');
  const valid =
    path.startsWith('/') &&
    path.length <= MAX_PATH_LENGTH &&
    (star === -1 || star === path.length - 1) &&
    isEncodedPath(path);
  if (!valid) {
    const expected = `a CloudFront path: starts with "/", at most ${MAX_PATH_LENGTH} characters, "*" only at the end, unsafe characters percent-encoded`;
    fail(at, expected, path);
  }
}

function isEncodedPath(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code >= 128 || PATH_SAFE[code] !== 1) return false;
  }
  return true;
}

function parseStrings(value: unknown, at: string, what: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0)) {
    fail(at, `${required ? 'a non-empty ' : 'an '}array of strings`, value);
  }
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string' || item === '') fail(`${at}[${i}]`, `${what} (a non-empty string)`, item);
  }
  return (value as string[]).slice();
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(at: string, expected: string, got: unknown): never {
  throw new RouteConfigError(`${at}: expected ${expected}, got ${describeValue(got)}`);
}

function failUnknownField(at: string, fields: readonly string[]): never {
  throw new RouteConfigError(`${at}: expected one of the fields ${fields.join(', ')}, got an unknown field`);
}
