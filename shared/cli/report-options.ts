import { parseArgs } from 'node:util';
import { parseMonthKey } from '../domain/month.ts';
import { parseReportFormat, REPORT_FORMATS, type ReportFormat } from '../domain/report/index.ts';
import { firstLine } from './args.ts';
import { UsageError } from './usage-error.ts';

/** The table the stack creates for a stage (serverless.yml: `invalidator-${sls:stage}-ledger`). */
export function defaultTableName(stage: string): string {
  return `invalidator-${stage}-ledger`;
}

/** The help text of `invalidator report`. */
export const REPORT_HELP = `Usage: invalidator report [options]

Monthly cost report from the DynamoDB counters: paths issued and saved, free tier used and left,
cost and cost avoided, the day-by-day series, a projection to the month end and completion latency.

Options:
  --stage S              stage whose table to read (default dev): table invalidator-<S>-ledger
  --table NAME           read this table instead of the stage's
  --month YYYY-MM        UTC month to report (default: the current UTC month)
  --format F             ${REPORT_FORMATS.join(' | ')} (default table): table is aligned text for an 80-column
                         terminal; json is the report model; csv has one row per total, distribution,
                         day and outside invalidation; md is Markdown; html is one self-contained page
                         with an SVG chart (no script, no external asset)
  --out FILE             write the report to FILE instead of standard output
  --reconcile            also list the month's invalidations in CloudFront (ListInvalidations and
                         GetInvalidation) and report those someone else submitted (console, CI): they
                         use the same free tier, so they count in the cost
  --distribution ID      with --reconcile: a distribution to check; repeat for several (default: every
                         distribution of the account, via ListDistributions)
  --budget N             monthly path budget the projection is checked against (default 1000, the
                         free tier; the deployed report uses the stage's MONTHLY_PATH_BUDGET)
  --endpoint URL         DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local (default:
                         AWS_ENDPOINT_URL_DYNAMODB, else AWS); CloudFront honours AWS_ENDPOINT_URL_CLOUDFRONT
  -h, --help             show this help

Region and credentials come from the usual AWS environment (AWS_REGION, AWS_PROFILE, ...). With a local
endpoint and no credentials set, dummy ones are used.

Exit codes: 0 ok (an empty month prints an empty report), 1 runtime failure, 2 bad usage or bad input
(unknown month or format, missing table), with one line on stderr.`;

/** The parsed and checked flags of `invalidator report`. */
export interface ReportOptions {
  readonly help: boolean;
  /** The stage shown in the report header: the --stage flag, or dev when no --table overrides it. */
  readonly stage: string | undefined;
  readonly tableName: string;
  /** Undefined: the current UTC month. */
  readonly month: string | undefined;
  readonly format: ReportFormat;
  readonly out: string | undefined;
  readonly reconcile: boolean;
  readonly distributionIds: readonly string[];
  readonly budget: number | undefined;
  readonly endpoint: string | undefined;
}

const STAGE = /^[A-Za-z0-9-]{1,64}$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Parses the flags of `invalidator report` (strict: unknown flags and positionals are errors).
 *
 * @param argv - arguments after `report`
 * @throws UsageError with one line saying what is wrong
 */
export function parseReportOptions(argv: readonly string[]): ReportOptions {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    throw new UsageError(firstLine(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  const stage = values.stage ?? 'dev';
  if (!STAGE.test(stage))
    throw new UsageError(`--stage: expected letters, digits and dashes, got "${stage.slice(0, 40)}"`);
  const tableName = values.table ?? defaultTableName(stage);
  if (!TABLE.test(tableName)) {
    throw new UsageError(
      `--table: expected a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), got "${tableName.slice(0, 40)}"`,
    );
  }
  const distributionIds = values.distribution ?? [];
  if (distributionIds.length > 0 && values.reconcile !== true) {
    throw new UsageError('--distribution: expected --reconcile as well (it picks the distributions to reconcile)');
  }
  return {
    help: values.help === true,
    stage: values.stage ?? (values.table === undefined ? stage : undefined),
    tableName,
    month: values.month === undefined ? undefined : check('--month', () => parseMonthKey(values.month as string)),
    format: values.format === undefined ? 'table' : check('--format', () => parseReportFormat(values.format as string)),
    out: checkOut(values.out),
    reconcile: values.reconcile === true,
    distributionIds,
    budget: parseBudget(values.budget),
    endpoint: checkEndpoint(values.endpoint),
  };
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      stage: { type: 'string' },
      table: { type: 'string' },
      month: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      reconcile: { type: 'boolean' },
      distribution: { type: 'string', multiple: true },
      budget: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Runs a domain parser and turns its error into a usage error naming the flag. */
function check<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The domain says "month: expected …"; the user typed --month.
    throw new UsageError(`${flag}: ${message.replace(/^[a-z]+: /, '')}`, { cause: error });
  }
}

function checkOut(out: string | undefined): string | undefined {
  if (out === '') throw new UsageError('--out: expected a file name, got ""');
  return out;
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,12}$/.test(text))
    throw new UsageError(`--budget: expected a whole number of paths, got "${text.slice(0, 40)}"`);
  return Number(text);
}

function checkEndpoint(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--endpoint: expected an http(s) URL like http://127.0.0.1:8000, got "${text.slice(0, 60)}"`);
  }
  return text;
}
