import { parseArgs } from 'node:util';
import { IN_FLIGHT_WILDCARD_LIMIT, MAX_PATHS_PER_REQUEST } from '../domain/budget.ts';
import { attachDashValues, firstLine } from './args.ts';
import { UsageError } from './usage-error.ts';

/** The help text of `invalidator plan`. */
export const PLAN_HELP = `Usage: invalidator plan --changed FILE|- [options]
       invalidator plan --event FILE|- [options]

Shows the CloudFront invalidation paths for changed S3 objects. A dry run: nothing is sent to AWS.

Input (exactly one):
  --changed FILE|-       changed S3 object keys, one per line, UTF-8, not URL-encoded; empty lines
                         are skipped; a line that is no S3 key (not UTF-8, a NUL byte, over 1,024
                         bytes, only whitespace) stops with exit 2; "-" reads standard input
  --event FILE|-         an SQS event ({"Records":[{"messageId","body"}]}), or a bare S3 notification,
                         SNS envelope or EventBridge event: shows what the collector would do with it;
                         bad messages and records are listed under "skipped"

Options:
  --config FILE          routes as JSON: {"routes":[{"bucket","distributionId","prefix","originPath",
                         "indexDocument","indexNoSlash","exclude","trigger","inventory"}]}, plus the
                         optional budget fields "maxPathsPerInvalidation" and "wildcardSafetyMargin".
                         Without it every key maps to "/" + key on one distribution named "-".
                         Keys from --changed carry no bucket, so they are tried against every bucket's routes.
  --inventory FILE|-     every key the bucket holds, one per line (an S3 listing): the planner then
                         picks the paths that evict the fewest unchanged objects, and reports collateral
  --previous-inventory FILE|-
                         the listing before the deploy, same format: a changed key absent from it (and
                         present in --inventory, when given) is new, so nothing stale of it is cached:
                         it needs no path and is never collateral (wait out the distribution's
                         error-caching TTL, 10 s by default, after the upload before invalidating)
  --max-paths N          at most N paths per distribution, 1..${MAX_PATHS_PER_REQUEST} (default: maxPathsPerInvalidation
                         from --config, else ${MAX_PATHS_PER_REQUEST}, the most one request carries)
  --max-wildcards N      at most N of them wildcards, 0..${IN_FLIGHT_WILDCARD_LIMIT} (default: ${IN_FLIGHT_WILDCARD_LIMIT} minus
                         wildcardSafetyMargin from --config)
  --index-document NAME  index document when there is no --config (default index.html; routes set
                         their own): docs/index.html also invalidates /docs/, index.html also /
  --json                 print {"plans":[{"distributionId","paths","exactPaths","wildcardPaths",
                         "changed","newKeys","free","collateral","newKeyPathsAvoided","inventoryPathsSaved"}],
                         "skipped":[{"key"|"messageId","reason"}]} (newKeys: changed keys that were new;
                         free: their paths; newKeyPathsAvoided: those no path covers; inventoryPathsSaved:
                         min(changed, --max-paths) minus the paths, null without --inventory)
  -h, --help             show this help

Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (one line on stderr).`;

/** The parsed and checked flags of `invalidator plan`. */
export interface PlanOptions {
  readonly help: boolean;
  readonly json: boolean;
  readonly changed: string | undefined;
  readonly event: string | undefined;
  readonly inventory: string | undefined;
  readonly previousInventory: string | undefined;
  readonly config: string | undefined;
  readonly maxPaths: number | undefined;
  readonly maxWildcards: number | undefined;
  readonly indexDocument: string | undefined;
}

/**
 * Parses the flags of `invalidator plan` (strict: unknown flags and positionals are errors).
 *
 * @param argv - arguments after `plan`
 * @throws UsageError with one line saying what is wrong
 */
export function parsePlanOptions(argv: readonly string[]): PlanOptions {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    throw new UsageError(firstLine(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  const options: PlanOptions = {
    help: values.help === true,
    json: values.json === true,
    changed: values.changed,
    event: values.event,
    inventory: values.inventory,
    previousInventory: values['previous-inventory'],
    config: values.config,
    maxPaths: parseInteger('--max-paths', values['max-paths'], 1, MAX_PATHS_PER_REQUEST),
    maxWildcards: parseInteger('--max-wildcards', values['max-wildcards'], 0, IN_FLIGHT_WILDCARD_LIMIT),
    indexDocument: values['index-document'],
  };
  if (!options.help) checkCombination(options);
  return options;
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: attachDashValues(argv, VALUE_FLAGS),
    strict: true,
    allowPositionals: false,
    options: {
      changed: { type: 'string' },
      event: { type: 'string' },
      inventory: { type: 'string' },
      'previous-inventory': { type: 'string' },
      config: { type: 'string' },
      'max-paths': { type: 'string' },
      'max-wildcards': { type: 'string' },
      'index-document': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const VALUE_FLAGS = [
  '--changed',
  '--event',
  '--inventory',
  '--config',
  '--max-paths',
  '--max-wildcards',
  '--index-document',
] as const;

function checkCombination(options: PlanOptions): void {
  if (options.changed === undefined && options.event === undefined) {
    throw new UsageError('expected --changed FILE|- or --event FILE|-; try --help');
  }
  if (options.changed !== undefined && options.event !== undefined) {
    throw new UsageError('expected either --changed or --event, got both');
  }
  const fromStdin = [
    options.changed,
    options.event,
    options.inventory,
    options.previousInventory,
    options.config,
  ].filter((file) => file === '-');
  if (fromStdin.length > 1) throw new UsageError('expected at most one flag reading standard input ("-"), got several');
  if (options.config === '-') throw new UsageError('--config: expected a file name, got "-" (standard input)');
  const name = options.indexDocument;
  if (name !== undefined && (name === '' || name.includes('/'))) {
    throw new UsageError(`--index-document: expected a file name without "/" like index.html, got "${name}"`);
  }
  if (name !== undefined && options.config !== undefined) {
    throw new UsageError('--index-document: expected no --config (routes set indexDocument), got both');
  }
}

function parseInteger(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${text.slice(0, 40)}"`);
  }
  return value;
}
