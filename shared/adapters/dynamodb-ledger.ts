import { gunzipSync, gzipSync } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  LEDGER_STATUS,
  type Ledger,
  type LedgerEntry,
  type MonthUsage,
  type OpenReservation,
  type ReservationLease,
  type ReserveOutcome,
  type StoredPlan,
} from '../app/ports.ts';
import { reservationTokenOf } from '../domain/unit-of-work.ts';
import { LedgerError } from './errors.ts';
import { LEDGER_KEYS, TTL_ATTRIBUTE } from './ledger-table.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Options of the DynamoDB ledger. */
export interface DynamoLedgerOptions {
  readonly tableName: string;
  /** Days a ledger item and its pointer are kept before DynamoDB TTL removes them. */
  readonly retentionDays: number;
}

const DAY_SECONDS = 86_400;
/** Order of the items in a reservation transaction; cancellation reasons come back in this order. */
const RESERVE_ITEM = { pointer: 0, entry: 1, total: 2 } as const;
/** Attribute of the reservation lease: when a retry last claimed the entry to issue it. */
const CLAIMED_AT = 'claimedAt';
// Condition pieces, named once.
const STILL_RESERVED = '#status = :reserved AND #reservedAt = :reservedAt';
const LEASE_UNCLAIMED = 'attribute_not_exists(#claimedAt)';
const LEASE_UNCHANGED = '#claimedAt = :claimedAt';

/**
 * The ledger and month counters in one DynamoDB table (item shapes: docs/architecture.md).
 *
 * Every reservation is one TransactWriteItems: pointer + ledger item (both conditional on not
 * existing) + four counters (ADD) + an open marker for the sweeper. The hard cap is a condition on the
 * account counter, so two concurrent collectors can never pass it together.
 */
export class DynamoLedger implements Ledger {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoLedgerOptions;

  constructor(client: DynamoDBDocumentClient, options: DynamoLedgerOptions) {
    this.#client = client;
    this.#options = options;
  }

  async findUnit(unitKey: string): Promise<LedgerEntry | undefined> {
    const pointer = await this.#get(LEDGER_KEYS.unitPk(unitKey), LEDGER_KEYS.unitSk);
    if (pointer === undefined) return undefined;
    const item = await this.#get(LEDGER_KEYS.monthPk(String(pointer.month)), LEDGER_KEYS.entrySk(unitKey));
    return item === undefined ? undefined : toEntry(item);
  }

  async usage(month: string): Promise<MonthUsage> {
    const item = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.totalSk);
    return { paths: Number(item?.paths ?? 0), invalidations: Number(item?.invalidations ?? 0) };
  }

  async reserve(entry: LedgerEntry, options: { readonly hardCap?: number }): Promise<ReserveOutcome> {
    const expiresAt = Math.floor(entry.reservedAt / 1000) + this.#options.retentionDays * DAY_SECONDS;
    const items: TransactItem[] = [];
    items[RESERVE_ITEM.pointer] = {
      Put: {
        TableName: this.#options.tableName,
        Item: {
          pk: LEDGER_KEYS.unitPk(entry.unitKey),
          sk: LEDGER_KEYS.unitSk,
          month: entry.month,
          [TTL_ATTRIBUTE]: expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    items[RESERVE_ITEM.entry] = {
      Put: {
        TableName: this.#options.tableName,
        Item: { ...toItem(entry), [TTL_ATTRIBUTE]: expiresAt },
        // A released entry (CloudFront refused it; its paths were given back) may be reserved again.
        ConditionExpression: 'attribute_not_exists(pk) OR #status = :released',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':released': LEDGER_STATUS.released },
      },
    };
    const counterSks = [
      LEDGER_KEYS.totalSk,
      LEDGER_KEYS.distributionSk(entry.distributionId),
      LEDGER_KEYS.dayTotalSk(entry.day),
      LEDGER_KEYS.dayDistributionSk(entry.day, entry.distributionId),
    ];
    counterSks.forEach((sk, index) => {
      const cap = index === 0 ? options.hardCap : undefined;
      items.push({ Update: this.#counterUpdate(entry.month, sk, counterDelta(entry, 1), cap) });
    });
    // The open marker lets the sweeper find this reservation without reading the whole month.
    items.push({
      Put: {
        TableName: this.#options.tableName,
        Item: {
          pk: LEDGER_KEYS.monthPk(entry.month),
          sk: LEDGER_KEYS.openSk(entry.unitKey),
          unitKey: entry.unitKey,
          reservedAt: entry.reservedAt,
          [TTL_ATTRIBUTE]: expiresAt,
        },
      },
    });
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: items,
          ClientRequestToken: reservationTokenOf(entry.unitKey, entry.reservedAt, entry.plan.paths),
        }),
      );
      return { kind: 'reserved' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw wrap('reserve', entry.unitKey, error);
      const reasons = error.CancellationReasons ?? [];
      if (reasons[RESERVE_ITEM.pointer]?.Code === 'ConditionalCheckFailed') {
        const existing = await this.findUnit(entry.unitKey);
        if (existing !== undefined) return { kind: 'exists', entry: existing };
      }
      if (reasons[RESERVE_ITEM.total]?.Code === 'ConditionalCheckFailed') {
        return { kind: 'cap-exceeded', usedPaths: (await this.usage(entry.month)).paths };
      }
      // TransactionConflict: another writer touched a counter at the same moment. Retry the record.
      throw new LedgerError(
        `reservation of unit ${entry.unitKey} was cancelled: ${reasons.map((reason) => reason.Code ?? 'None').join(',')}`,
        { retryable: true, cause: error },
      );
    }
  }

  async markIssued(entry: LedgerEntry, invalidationId: string, issuedAt: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.entrySk(entry.unitKey) },
          UpdateExpression: 'SET #status = :issued, #invalidationId = :id, #issuedAt = if_not_exists(#issuedAt, :at)',
          ConditionExpression: '#status IN (:reserved, :issued)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#invalidationId': 'invalidationId',
            '#issuedAt': 'issuedAt',
          },
          ExpressionAttributeValues: {
            ':issued': LEDGER_STATUS.issued,
            ':reserved': LEDGER_STATUS.reserved,
            ':id': invalidationId,
            ':at': issuedAt,
          },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return; // already completed by the watcher: nothing to do
      throw wrap('mark issued', entry.unitKey, error);
    }
  }

  async release(entry: LedgerEntry, options: { readonly lease?: ReservationLease } = {}): Promise<boolean> {
    const lease = options.lease;
    const leaseCondition =
      lease === undefined ? '' : ` AND ${lease.claimedAt === undefined ? LEASE_UNCLAIMED : LEASE_UNCHANGED}`;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.entrySk(entry.unitKey) },
          UpdateExpression: 'SET #status = :released',
          // This reservation, not a later one of the same unit; for the sweeper, also unclaimed since read.
          ConditionExpression: `${STILL_RESERVED}${leaseCondition}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            '#reservedAt': 'reservedAt',
            ...(lease === undefined ? {} : { '#claimedAt': CLAIMED_AT }),
          },
          ExpressionAttributeValues: {
            ':released': LEDGER_STATUS.released,
            ':reserved': LEDGER_STATUS.reserved,
            ':reservedAt': entry.reservedAt,
            ...(lease?.claimedAt === undefined ? {} : { ':claimedAt': lease.claimedAt }),
          },
        },
      },
      // The pointer goes, so a retry of the same messages plans afresh.
      {
        Delete: {
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.unitPk(entry.unitKey), sk: LEDGER_KEYS.unitSk },
        },
      },
      {
        Delete: {
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.openSk(entry.unitKey) },
        },
      },
      ...[
        LEDGER_KEYS.totalSk,
        LEDGER_KEYS.distributionSk(entry.distributionId),
        LEDGER_KEYS.dayTotalSk(entry.day),
        LEDGER_KEYS.dayDistributionSk(entry.day, entry.distributionId),
      ].map((sk) => ({ Update: this.#counterUpdate(entry.month, sk, counterDelta(entry, -1), undefined) })),
    ];
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return false; // already released, issued or claimed: releasing twice must not give paths back twice
      }
      throw wrap('release', entry.unitKey, error);
    }
  }

  async claim(entry: LedgerEntry, at: number): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.entrySk(entry.unitKey) },
          UpdateExpression: 'SET #claimedAt = :at',
          ConditionExpression: STILL_RESERVED,
          ExpressionAttributeNames: { '#status': 'status', '#reservedAt': 'reservedAt', '#claimedAt': CLAIMED_AT },
          ExpressionAttributeValues: {
            ':at': at,
            ':reserved': LEDGER_STATUS.reserved,
            ':reservedAt': entry.reservedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw wrap('claim', entry.unitKey, error);
    }
  }

  async openReservations(month: string, reservedBefore: number): Promise<OpenReservation[]> {
    const open: OpenReservation[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.#client.send(
          new QueryCommand({
            TableName: this.#options.tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :open)',
            FilterExpression: '#reservedAt <= :before',
            ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#reservedAt': 'reservedAt' },
            ExpressionAttributeValues: {
              ':pk': LEDGER_KEYS.monthPk(month),
              ':open': LEDGER_KEYS.openSk(''),
              ':before': reservedBefore,
            },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw wrap('open reservations', month, error);
      }
      for (const marker of page.Items ?? []) {
        const unitKey = String(marker.unitKey);
        const item = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.entrySk(unitKey));
        const claimedAt = item?.[CLAIMED_AT];
        open.push({
          unitKey,
          month,
          reservedAt: Number(marker.reservedAt),
          entry: item === undefined ? undefined : toEntry(item),
          lease: { claimedAt: typeof claimedAt === 'number' ? claimedAt : undefined },
        });
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return open;
  }

  async closeReservation(month: string, unitKey: string, reservedAt: number): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: { pk: LEDGER_KEYS.monthPk(month), sk: LEDGER_KEYS.openSk(unitKey) },
          ConditionExpression: '#reservedAt = :reservedAt',
          ExpressionAttributeNames: { '#reservedAt': 'reservedAt' },
          ExpressionAttributeValues: { ':reservedAt': reservedAt },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return; // a newer reservation of the unit owns the marker now
      throw wrap('close reservation', unitKey, error);
    }
  }

  #counterUpdate(month: string, sk: string, delta: CounterDelta, hardCap: number | undefined) {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds: string[] = [];
    for (const [field, amount] of Object.entries(delta)) {
      names[`#${field}`] = field;
      values[`:${field}`] = amount;
      adds.push(`#${field} :${field}`);
    }
    const update = {
      TableName: this.#options.tableName,
      Key: { pk: LEDGER_KEYS.monthPk(month), sk },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    if (hardCap === undefined) return update;
    // Passes only while paths + new <= cap, i.e. paths <= cap - new.
    return {
      ...update,
      ConditionExpression: 'attribute_not_exists(#paths) OR #paths <= :capLeft',
      ExpressionAttributeValues: { ...values, ':capLeft': hardCap - delta.paths },
    };
  }

  async #get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.#client.send(
        new GetCommand({ TableName: this.#options.tableName, Key: { pk, sk }, ConsistentRead: true }),
      );
      return result.Item;
    } catch (error) {
      throw wrap('read', `${pk}/${sk}`, error);
    }
  }
}

interface CounterDelta {
  paths: number;
  exactPaths: number;
  wildcardPaths: number;
  invalidations: number;
  changedObjects: number;
}

function counterDelta(entry: LedgerEntry, sign: 1 | -1): CounterDelta {
  return {
    paths: sign * entry.plan.paths.length,
    exactPaths: sign * entry.plan.exactPaths,
    wildcardPaths: sign * entry.plan.wildcardPaths,
    invalidations: sign,
    changedObjects: sign * entry.changedObjects,
  };
}

function toItem(entry: LedgerEntry): Record<string, unknown> {
  const { plan, ...rest } = entry;
  return {
    pk: LEDGER_KEYS.monthPk(entry.month),
    sk: LEDGER_KEYS.entrySk(entry.unitKey),
    ...rest,
    // Paths are stored gzipped: a 3,000-path plan stays far below the 400 KB item limit.
    pathsGz: gzipSync(JSON.stringify(plan.paths)),
    pathCount: plan.paths.length,
    exactPaths: plan.exactPaths,
    wildcardPaths: plan.wildcardPaths,
    changed: plan.changed,
    collateral: plan.collateral,
  };
}

/** Reads a ledger item back into an entry. Exported for the report and watcher. */
export function toEntry(item: Record<string, unknown>): LedgerEntry {
  const paths = JSON.parse(gunzipSync(item.pathsGz as Uint8Array).toString('utf8')) as string[];
  const plan: StoredPlan = {
    paths,
    exactPaths: Number(item.exactPaths),
    wildcardPaths: Number(item.wildcardPaths),
    changed: Number(item.changed),
    collateral: item.collateral === null || item.collateral === undefined ? null : Number(item.collateral),
  };
  const optionalNumber = (name: string) => (typeof item[name] === 'number' ? { [name]: item[name] } : {});
  return {
    unitKey: String(item.unitKey),
    month: String(item.month),
    day: Number(item.day),
    distributionId: String(item.distributionId),
    callerReference: String(item.callerReference),
    status: item.status as LedgerEntry['status'],
    plan,
    messageCount: Number(item.messageCount),
    changedObjects: Number(item.changedObjects),
    source: item.source as LedgerEntry['source'],
    reservedAt: Number(item.reservedAt),
    ...optionalNumber('firstEventAt'),
    ...optionalNumber('issuedAt'),
    ...optionalNumber('completedAt'),
    ...optionalNumber('latencyMs'),
    ...(typeof item.invalidationId === 'string' ? { invalidationId: item.invalidationId } : {}),
  };
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function wrap(action: string, subject: string, error: unknown): LedgerError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const retryable = !['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException'].includes(name);
  return new LedgerError(`ledger ${action} failed for ${subject}: ${name}`, { retryable, cause: error });
}
