import { writeFile } from 'node:fs/promises';
import { CloudFrontReconciler } from '../adapters/cloudfront-reconciler.ts';
import { DynamoPendingStore } from '../adapters/dynamodb-pending-store.ts';
import { DynamoReportReader, ReportTableNotFoundError } from '../adapters/dynamodb-report-reader.ts';
import { DomainError } from '../domain/errors.ts';
import { monthBounds, monthKeyOf } from '../domain/month.ts';
import { buildMonthlyReport, type MonthlyReport, renderReport } from '../domain/report/index.ts';
import { firstLine } from './args.ts';
import { EXIT } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { createReportClients, type ReportClients, type ReportEnv } from './report-clients.ts';
import { parseReportOptions, REPORT_HELP, type ReportOptions } from './report-options.ts';
import { UsageError } from './usage-error.ts';

/** What `invalidator report` takes from the outside world besides its streams (injected in tests). */
export interface ReportCliDeps {
  /** The clock, epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Environment variables for region, credentials and endpoints (default `process.env`). */
  readonly env?: ReportEnv;
  /** Writes `--out` (default: the file system). */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
}

/**
 * Runs `invalidator report`: reads the month's partition of the ledger table (and, with
 * `--reconcile`, CloudFront's invalidations), builds the report and prints or writes it.
 *
 * @param argv - arguments after `report`
 * @param io - standard streams (injected for tests)
 * @param deps - clock, environment and file writing (injected for tests)
 * @returns the exit code: 0 ok, 1 runtime failure, 2 bad usage or bad input (one line on stderr)
 */
export async function runReport(argv: readonly string[], io: CliIo, deps: ReportCliDeps = {}): Promise<number> {
  let clients: ReportClients | undefined;
  try {
    const options = parseReportOptions(argv);
    if (options.help) {
      io.stdout.write(`${REPORT_HELP}\n`);
      return EXIT.ok;
    }
    const now = (deps.now ?? Date.now)();
    clients = createReportClients(deps.env ?? process.env, options.endpoint);
    const report = await loadReport(options, clients, now);
    const text = renderReport(report, options.format);
    if (options.out === undefined) {
      io.stdout.write(text);
    } else {
      await writeOut(options.out, text, deps.writeFile ?? ((path, body) => writeFile(path, body, 'utf8')));
      io.stdout.write(`wrote the ${options.format} report for ${report.month} to ${options.out}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    // Bad flags, a bad month or format, and a table that does not exist are the user's input.
    if (error instanceof UsageError || error instanceof DomainError || error instanceof ReportTableNotFoundError) {
      io.stderr.write(`invalidator report: ${firstLine(error.message)}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`invalidator report: failed: ${firstLine(message)}\n`);
    return EXIT.failure;
  } finally {
    clients?.destroy();
  }
}

async function loadReport(options: ReportOptions, clients: ReportClients, now: number): Promise<MonthlyReport> {
  const month = options.month ?? monthKeyOf(now);
  const partition = await new DynamoReportReader(clients.documents, { tableName: options.tableName }).readMonth(month);
  const reconciliation = options.reconcile
    ? {
        kind: 'done' as const,
        ...(await new CloudFrontReconciler(clients.cloudFront).listMonth(monthBounds(month), {
          // Explicit distributions plus those the ledger used; none given: the whole account.
          ...(options.distributionIds.length === 0
            ? {}
            : {
                distributionIds: [...options.distributionIds, ...partition.ledger.map((item) => item.distributionId)],
              }),
          ledger: partition.ledger,
        })),
      }
    : undefined;
  return buildMonthlyReport({
    month,
    now,
    ...partition,
    ...(reconciliation === undefined ? {} : { reconciliation }),
    ...(options.budget === undefined ? {} : { monthlyPathBudget: options.budget }),
    labels: { ...(options.stage === undefined ? {} : { stage: options.stage }), tableName: options.tableName },
    pending: await new DynamoPendingStore(clients.documents, { tableName: options.tableName }).summarize(),
  });
}

async function writeOut(
  path: string,
  text: string,
  write: (path: string, text: string) => Promise<void>,
): Promise<void> {
  try {
    await write(path, text);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = typeof code === 'string' ? code : error instanceof Error ? firstLine(error.message) : String(error);
    throw new UsageError(`--out ${path}: cannot write the file (${why})`, { cause: error });
  }
}
