import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import {
  type LedgerItemSummary,
  NO_SAVINGS,
  type PathCounters,
  SAVINGS_FIELDS,
  type SavingsCounts,
  type SavingsInput,
} from '../domain/report/index.ts';
import { LedgerError } from './errors.ts';
import { LEDGER_KEYS } from './ledger-table.ts';

/** Options of the report reader. */
export interface DynamoReportReaderOptions {
  readonly tableName: string;
}

/** One month's partition, mapped onto the report model's input. */
export interface MonthPartition {
  readonly total: PathCounters;
  readonly distributions: { readonly distributionId: string; readonly counters: PathCounters }[];
  readonly days: { readonly day: number; readonly counters: PathCounters }[];
  readonly ledger: LedgerItemSummary[];
  /** The savings counters (`SAVINGS#…` items): new keys and inventory listings. */
  readonly savings: SavingsInput & { distributions: { distributionId: string; counters: SavingsCounts }[] };
}

/** The ledger table does not exist (wrong stage, table name, region or endpoint). Not retryable. */
export class ReportTableNotFoundError extends LedgerError {
  override name = 'ReportTableNotFoundError';
  readonly tableName: string;

  constructor(tableName: string, options: { cause?: unknown } = {}) {
    super(`table "${tableName}" not found: check the table name (or stage), the region and the endpoint`, {
      retryable: false,
      cause: options.cause,
    });
    this.tableName = tableName;
  }
}

const COUNTER_FIELDS = ['paths', 'exactPaths', 'wildcardPaths', 'invalidations', 'changedObjects'] as const;
const LEDGER_FIELDS = [
  'unitKey',
  'distributionId',
  'status',
  'pathCount',
  'callerReference',
  'invalidationId',
  'reservedAt',
  'latencyMs',
] as const;
// Counter and ledger attributes only: the gzipped plan (`pathsGz`) stays in the table.
const PROJECTED = ['pk', 'sk', ...COUNTER_FIELDS, ...LEDGER_FIELDS, ...SAVINGS_FIELDS] as const;
const DAY_TOTAL = /^DAY#(\d{2})#TOTAL$/;
const DISTRIBUTION_PREFIX = 'DIST#';
const ENTRY_PREFIX = LEDGER_KEYS.entrySk('');
const SAVINGS_DISTRIBUTION_PREFIX = LEDGER_KEYS.savingsDistributionSk('');

/**
 * Reads one month of counters and ledger items for the report: a single paginated Query on
 * `pk = MONTH#YYYY-MM` (docs/architecture.md), projected to the attributes the report uses.
 */
export class DynamoReportReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoReportReaderOptions;

  constructor(client: DynamoDBDocumentClient, options: DynamoReportReaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  /**
   * Every counter and ledger item of a month; zero counters when the month has none.
   *
   * @param month - `YYYY-MM`
   * @throws ReportTableNotFoundError when the table does not exist
   * @throws LedgerError for any other DynamoDB failure (`retryable` for throttling and 5xx)
   */
  async readMonth(month: string): Promise<MonthPartition> {
    const partition: MonthPartition & { total: PathCounters } = {
      total: toCounters({}),
      distributions: [],
      days: [],
      ledger: [],
      savings: { total: NO_SAVINGS, distributions: [] },
    };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#query(month, startKey);
      for (const item of page.Items ?? []) addItem(partition, item);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return partition;
  }

  async #query(month: string, startKey: Record<string, unknown> | undefined): Promise<QueryCommandOutput> {
    const names = Object.fromEntries(PROJECTED.map((field) => [`#${field}`, field]));
    try {
      return await this.#client.send(
        new QueryCommand({
          TableName: this.#options.tableName,
          KeyConditionExpression: '#pk = :pk',
          ProjectionExpression: PROJECTED.map((field) => `#${field}`).join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':pk': LEDGER_KEYS.monthPk(month) },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      if (name === 'ResourceNotFoundException')
        throw new ReportTableNotFoundError(this.#options.tableName, { cause: error });
      const retryable = !['ValidationException', 'AccessDeniedException', 'UnrecognizedClientException'].includes(name);
      const detail =
        error instanceof Error && error.message !== '' ? `: ${error.message.split('\n')[0]?.slice(0, 160)}` : '';
      throw new LedgerError(
        `report query of month ${month} in table "${this.#options.tableName}" failed: ${name}${detail}`,
        {
          retryable,
          cause: error,
        },
      );
    }
  }
}

function addItem(
  partition: MonthPartition & { total: PathCounters; savings: { total: SavingsCounts } },
  item: Record<string, unknown>,
): void {
  const sk = String(item.sk);
  if (sk === LEDGER_KEYS.totalSk) {
    partition.total = toCounters(item);
    return;
  }
  if (sk.startsWith(DISTRIBUTION_PREFIX)) {
    partition.distributions.push({ distributionId: sk.slice(DISTRIBUTION_PREFIX.length), counters: toCounters(item) });
    return;
  }
  const day = DAY_TOTAL.exec(sk);
  if (day !== null) {
    partition.days.push({ day: Number(day[1]), counters: toCounters(item) });
    return;
  }
  if (sk === LEDGER_KEYS.savingsTotalSk) {
    partition.savings.total = toSavings(item);
    return;
  }
  if (sk.startsWith(SAVINGS_DISTRIBUTION_PREFIX)) {
    const distributionId = sk.slice(SAVINGS_DISTRIBUTION_PREFIX.length);
    partition.savings.distributions.push({ distributionId, counters: toSavings(item) });
    return;
  }
  if (sk.startsWith(ENTRY_PREFIX)) partition.ledger.push(toSummary(item, sk.slice(ENTRY_PREFIX.length)));
  // DAY#DD#DIST#id counters are not used by the report.
}

function toCounters(item: Record<string, unknown>): PathCounters {
  return {
    paths: numberOf(item.paths),
    exactPaths: numberOf(item.exactPaths),
    wildcardPaths: numberOf(item.wildcardPaths),
    invalidations: numberOf(item.invalidations),
    changedObjects: numberOf(item.changedObjects),
  };
}

function toSavings(item: Record<string, unknown>): SavingsCounts {
  return Object.fromEntries(SAVINGS_FIELDS.map((field) => [field, numberOf(item[field])])) as unknown as SavingsCounts;
}

function toSummary(item: Record<string, unknown>, unitKey: string): LedgerItemSummary {
  return {
    unitKey: typeof item.unitKey === 'string' ? item.unitKey : unitKey,
    distributionId: String(item.distributionId ?? ''),
    status: String(item.status ?? ''),
    pathCount: numberOf(item.pathCount),
    callerReference: String(item.callerReference ?? ''),
    invalidationId: typeof item.invalidationId === 'string' ? item.invalidationId : null,
    reservedAt: numberOf(item.reservedAt),
    latencyMs: typeof item.latencyMs === 'number' ? item.latencyMs : null,
  };
}

/** A missing counter is zero (an ADD never ran on it); lib-dynamodb gives numbers as `number`. */
function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
