import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  LEDGER_STATUS,
  type LeaseRequest,
  type Ledger,
  type LedgerEntry,
  type MonthUsage,
  type MoveOutcome,
  type OpenReservation,
  type ReservationLease,
  type ReserveOutcome,
  type StoredPlan,
} from '../app/ports.ts';
import { reservationTokenOf } from '../domain/unit-of-work.ts';
import { queryAll } from './dynamodb-query-all.ts';
import { LedgerError, ledgerErrorOf } from './errors.ts';
import {
  CLAIMED_AT,
  counterUpdates,
  IN_DOUBT,
  LEASE_OWNER,
  LEASE_UNTIL,
  leaseOf,
  NOT_FOUND_AT,
  SWEPT,
  type TransactItem,
  toEntry,
  toItem,
} from './ledger-items.ts';
import { LEDGER_KEYS, TTL_ATTRIBUTE } from './ledger-table.ts';

export { toEntry } from './ledger-items.ts';

/** Options of the DynamoDB ledger. */
export interface DynamoLedgerOptions {
  readonly tableName: string;
  /** Days a ledger item and its pointer are kept before DynamoDB TTL removes them. */
  readonly retentionDays: number;
  /**
   * The account table every stage of the account shares (docs/configuration.md): its `ACCOUNT#` total
   * is what the budget reads and the hard cap checks. Unset: the stage's own `TOTAL` does.
   */
  readonly accountTableName?: string | undefined;
}

const DAY_SECONDS = 86_400;
/** Lease of a reservation made without a lease length: Lambda's longest timeout. */
const DEFAULT_LEASE_MS = 900_000;
/** Order of the items in a reservation transaction; cancellation reasons come back in this order. */
const RESERVE_ITEM = { pointer: 0, entry: 1, total: 2 } as const;
/** Order of the first items of a month move. */
const MOVE_ITEM = { oldEntry: 0, newTotal: 1 } as const;
// Condition and update pieces, named once.
const STILL_RESERVED = '#status = :reserved AND #reservedAt = :reservedAt';
/** A ledger item a new reservation may write: none yet, or one whose paths were given back. */
const RESERVABLE = '(attribute_not_exists(pk) OR #status = :released)';
const LEASE_UNCLAIMED = 'attribute_not_exists(#claimedAt)';
const LEASE_UNCHANGED = '#claimedAt = :claimedAt';
const LEASE_HELD = '#owner = :owner';
const ISSUED_SET = '#status = :issued, #invalidationId = :id, #issuedAt = if_not_exists(#issuedAt, :at)';
const ISSUED_NAMES = { '#status': 'status', '#invalidationId': 'invalidationId', '#issuedAt': 'issuedAt' };

const LEASE_NAMES = {
  '#status': 'status',
  '#reservedAt': 'reservedAt',
  '#claimedAt': CLAIMED_AT,
  '#owner': LEASE_OWNER,
} as const;

function issuedValues(invalidationId: string, issuedAt: number): Record<string, unknown> {
  return { ':issued': LEDGER_STATUS.issued, ':id': invalidationId, ':at': issuedAt };
}

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
    const account = this.#options.accountTableName;
    const item =
      account === undefined
        ? await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.totalSk)
        : await this.#get(LEDGER_KEYS.accountPk(month), LEDGER_KEYS.totalSk, account);
    return { paths: Number(item?.paths ?? 0), invalidations: Number(item?.invalidations ?? 0) };
  }

  async reserve(
    entry: LedgerEntry,
    options: {
      readonly hardCap?: number;
      readonly owner?: string;
      readonly leaseMs?: number;
      readonly sweptPlan?: boolean;
    },
  ): Promise<ReserveOutcome> {
    const expiresAt = this.#expiresAt(entry.reservedAt);
    const items: TransactItem[] = [];
    items[RESERVE_ITEM.pointer] = {
      Put: {
        ...this.#pointerPut(entry.unitKey, entry.month, expiresAt),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    items[RESERVE_ITEM.entry] = {
      Put: {
        TableName: this.#options.tableName,
        Item: {
          ...toItem(entry),
          ...leaseOf(options.owner, entry.reservedAt, options.leaseMs ?? DEFAULT_LEASE_MS),
          [TTL_ATTRIBUTE]: expiresAt,
          // Swept once, swept for good: the late create may still land after this attempt is refused and
          // released too, so every later attempt must carry the same plan.
          ...(options.sweptPlan === true ? { [SWEPT]: true } : {}),
        },
        // A released entry (CloudFront refused it; its paths were given back) may be reserved again; one
        // the sweep released only with its own plan, so a new plan is refused here instead of being
        // checked by a read before every reservation.
        ConditionExpression: options.sweptPlan === true ? RESERVABLE : `${RESERVABLE} AND attribute_not_exists(#swept)`,
        ExpressionAttributeNames: { '#status': 'status', ...(options.sweptPlan === true ? {} : { '#swept': SWEPT }) },
        ExpressionAttributeValues: { ':released': LEDGER_STATUS.released },
      },
    };
    items.push(...counterUpdates(this.#options, entry, entry, 1, options.hardCap));
    items.push({ Put: this.#openPut(entry, expiresAt) });
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: items,
          // The attempt with the swept plan has another condition: another request, so another token, even
          // in the same millisecond with the same paths (the same token with other parameters within 10
          // minutes is IdempotentParameterMismatch:
          // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
          ClientRequestToken: reservationTokenOf(
            entry.unitKey,
            entry.reservedAt,
            entry.plan.paths,
            options.sweptPlan === true ? `${options.owner ?? ''}\nswept` : options.owner,
          ),
        }),
      );
      return { kind: 'reserved' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw ledgerErrorOf('reserve', entry.unitKey, error);
      const reasons = error.CancellationReasons ?? [];
      if (reasons[RESERVE_ITEM.pointer]?.Code === 'ConditionalCheckFailed') {
        const existing = await this.findUnit(entry.unitKey);
        if (existing !== undefined) return { kind: 'exists', entry: existing };
      }
      if (reasons[RESERVE_ITEM.entry]?.Code === 'ConditionalCheckFailed') {
        // The rare case that needs a read: the sweep released this unit, and its plan must go again.
        const plan = await this.sweptPlan(entry.unitKey, entry.month);
        if (plan !== undefined) return { kind: 'swept', plan };
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
          Key: this.#entryKey(entry),
          UpdateExpression: `SET ${ISSUED_SET}`,
          ConditionExpression: '#status IN (:reserved, :issued)',
          ExpressionAttributeNames: ISSUED_NAMES,
          ExpressionAttributeValues: { ...issuedValues(invalidationId, issuedAt), ':reserved': LEDGER_STATUS.reserved },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw ledgerErrorOf('mark issued', entry.unitKey, error);
      const now = await this.#get(LEDGER_KEYS.monthPk(entry.month), LEDGER_KEYS.entrySk(entry.unitKey));
      // Completed or timed out by the watcher: issued and counted already.
      if (now?.status !== LEDGER_STATUS.released || Number(now.reservedAt) !== entry.reservedAt) return;
      await this.#recount(entry, invalidationId, issuedAt);
    }
  }

  /**
   * CloudFront holds an invalidation whose reservation was released (its paths given back): the entry
   * becomes issued again and its paths are counted again, with its pointer back so a retry of the same
   * messages finds it instead of reserving anew. Never capped: the paths are spent already.
   */
  async #recount(entry: LedgerEntry, invalidationId: string, issuedAt: number): Promise<void> {
    const expiresAt = this.#expiresAt(entry.reservedAt);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#options.tableName,
          Key: this.#entryKey(entry),
          UpdateExpression: `SET ${ISSUED_SET}`,
          ConditionExpression: '#status = :released AND #reservedAt = :reservedAt',
          ExpressionAttributeNames: { ...ISSUED_NAMES, '#reservedAt': 'reservedAt' },
          ExpressionAttributeValues: {
            ...issuedValues(invalidationId, issuedAt),
            ':released': LEDGER_STATUS.released,
            ':reservedAt': entry.reservedAt,
          },
        },
      },
      {
        Put: {
          ...this.#pointerPut(entry.unitKey, entry.month, expiresAt),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...counterUpdates(this.#options, entry, entry, 1, undefined),
    ];
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      // The unit was reserved anew meanwhile: that reservation sends the same CallerReference and counts
      // what CloudFront hands back. Retrying the records lets it settle.
      throw new LedgerError(`recount of released unit ${entry.unitKey} failed: ${describeCancel(error)}`, {
        retryable: true,
        cause: error,
      });
    }
  }

  async release(
    entry: LedgerEntry,
    options: { readonly lease?: ReservationLease; readonly owner?: string } = {},
  ): Promise<boolean> {
    const { lease, owner } = options;
    const conditions = [STILL_RESERVED];
    const names: Record<string, string> = { '#status': 'status', '#reservedAt': 'reservedAt' };
    const values: Record<string, unknown> = {
      ':released': LEDGER_STATUS.released,
      ':reserved': LEDGER_STATUS.reserved,
      ':reservedAt': entry.reservedAt,
    };
    if (lease !== undefined) {
      // The sweeper: only while nobody claimed it since the sweep read it, and only after the first look
      // it read (a claim clears that mark).
      Object.assign(names, leaseNames(lease), { '#swept': SWEPT });
      Object.assign(values, leaseValues(lease), { ':swept': true });
      conditions.push(leaseCondition(lease));
    }
    if (owner !== undefined) {
      // An invocation: only while it still holds the lease (another may be issuing it), and only when no
      // earlier attempt ended in doubt (that one may have created it: a refusal now proves nothing).
      conditions.push(LEASE_HELD, `attribute_not_exists(#doubt)`);
      names['#owner'] = LEASE_OWNER;
      names['#doubt'] = IN_DOUBT;
      values[':owner'] = owner;
    }
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#options.tableName,
          Key: this.#entryKey(entry),
          // The sweeper's release is marked: a retry of the unit reserves it again with the same plan.
          UpdateExpression:
            lease === undefined ? 'SET #status = :released' : 'SET #status = :released, #swept = :swept',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      // The pointer goes, so a retry of the same messages plans afresh.
      { Delete: { TableName: this.#options.tableName, Key: this.#pointerKey(entry.unitKey) } },
      { Delete: { TableName: this.#options.tableName, Key: this.#openKey(entry.month, entry.unitKey) } },
      ...counterUpdates(this.#options, entry, entry, -1, undefined),
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
      throw ledgerErrorOf('release', entry.unitKey, error);
    }
  }

  async claim(entry: LedgerEntry, lease: LeaseRequest): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: this.#entryKey(entry),
          // A claim voids the sweeper's first look: it must look again a whole staleness after this lease.
          UpdateExpression: 'SET #claimedAt = :at, #owner = :owner, #leaseUntil = :until REMOVE #notFoundAt',
          // Nobody holds it, this owner does, or the holder's lease ran out (it cannot be running any more).
          ConditionExpression: `${STILL_RESERVED} AND (attribute_not_exists(#owner) OR ${LEASE_HELD} OR #leaseUntil <= :at)`,
          ExpressionAttributeNames: { ...LEASE_NAMES, '#leaseUntil': LEASE_UNTIL, '#notFoundAt': NOT_FOUND_AT },
          ExpressionAttributeValues: {
            ':at': lease.at,
            ':owner': lease.owner,
            ':until': lease.at + lease.leaseMs,
            ':reserved': LEDGER_STATUS.reserved,
            ':reservedAt': entry.reservedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw ledgerErrorOf('claim', entry.unitKey, error);
    }
  }

  async markNotFound(entry: LedgerEntry, lease: ReservationLease, at: number): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: this.#entryKey(entry),
          UpdateExpression: 'SET #notFoundAt = :lookAt',
          ConditionExpression: `${STILL_RESERVED} AND ${leaseCondition(lease)}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            '#reservedAt': 'reservedAt',
            '#notFoundAt': NOT_FOUND_AT,
            ...leaseNames(lease),
          },
          ExpressionAttributeValues: {
            ':reserved': LEDGER_STATUS.reserved,
            ':reservedAt': entry.reservedAt,
            ...leaseValues(lease),
            ':lookAt': at,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false; // settled or claimed since the sweep read it
      throw ledgerErrorOf('mark not found', entry.unitKey, error);
    }
  }

  async sweptPlan(unitKey: string, month: string): Promise<StoredPlan | undefined> {
    const item = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.entrySk(unitKey));
    if (item === undefined || item.status !== LEDGER_STATUS.released || item[SWEPT] !== true) return undefined;
    return toEntry(item).plan;
  }

  async dropLease(entry: LedgerEntry, owner: string, at: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: this.#entryKey(entry),
          // claimedAt moves on, so the sweeper still waits a whole staleness before it settles the entry;
          // the doubt stays for good: only a CloudFront search (the sweeper) may release it from now on.
          UpdateExpression: 'SET #claimedAt = :at, #doubt = :doubt REMOVE #owner',
          ConditionExpression: `${STILL_RESERVED} AND ${LEASE_HELD}`,
          ExpressionAttributeNames: { ...LEASE_NAMES, '#doubt': IN_DOUBT },
          ExpressionAttributeValues: {
            ':at': at,
            ':doubt': true,
            ':owner': owner,
            ':reserved': LEDGER_STATUS.reserved,
            ':reservedAt': entry.reservedAt,
          },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return; // settled or claimed by someone else already
      throw ledgerErrorOf('drop lease', entry.unitKey, error);
    }
  }

  async moveReservation(
    entry: LedgerEntry,
    to: { readonly month: string; readonly day: number; readonly at: number },
    options: { readonly hardCap?: number; readonly owner: string; readonly leaseMs: number },
  ): Promise<MoveOutcome> {
    const moved: LedgerEntry = { ...entry, month: to.month, day: to.day, reservedAt: to.at };
    const expiresAt = this.#expiresAt(to.at);
    const table = this.#options.tableName;
    const tables = this.#options;
    const items: TransactItem[] = [];
    items[MOVE_ITEM.oldEntry] = {
      Delete: {
        TableName: table,
        Key: this.#entryKey(entry),
        ConditionExpression: `${STILL_RESERVED} AND ${LEASE_HELD}`,
        ExpressionAttributeNames: { '#status': 'status', '#reservedAt': 'reservedAt', '#owner': LEASE_OWNER },
        ExpressionAttributeValues: {
          ':reserved': LEDGER_STATUS.reserved,
          ':reservedAt': entry.reservedAt,
          ':owner': options.owner,
        },
      },
    };
    items[MOVE_ITEM.newTotal] = counterUpdates(tables, moved, moved, 1, options.hardCap)[0] as TransactItem;
    items.push(
      ...counterUpdates(tables, moved, moved, 1, undefined).slice(1),
      ...counterUpdates(tables, entry, entry, -1, undefined),
      { Delete: { TableName: table, Key: this.#openKey(entry.month, entry.unitKey) } },
      { Put: this.#pointerPut(entry.unitKey, to.month, expiresAt) },
      {
        Put: {
          TableName: table,
          Item: { ...toItem(moved), ...leaseOf(options.owner, to.at, options.leaseMs), [TTL_ATTRIBUTE]: expiresAt },
          ConditionExpression: RESERVABLE,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': LEDGER_STATUS.released },
        },
      },
      { Put: this.#openPut(moved, expiresAt) },
    );
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'moved', entry: moved };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException))
        throw ledgerErrorOf('move reservation', entry.unitKey, error);
      const reasons = error.CancellationReasons ?? [];
      if (reasons[MOVE_ITEM.oldEntry]?.Code === 'ConditionalCheckFailed') return { kind: 'lost' };
      if (reasons[MOVE_ITEM.newTotal]?.Code === 'ConditionalCheckFailed') return { kind: 'cap-exceeded' };
      throw new LedgerError(`move of unit ${entry.unitKey} to ${to.month} was cancelled: ${describeCancel(error)}`, {
        retryable: true,
        cause: error,
      });
    }
  }

  async openReservations(month: string, reservedBefore: number): Promise<OpenReservation[]> {
    let markers: Record<string, unknown>[];
    try {
      markers = await queryAll(this.#client, {
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
      });
    } catch (error) {
      throw ledgerErrorOf('open reservations', month, error);
    }
    const open: OpenReservation[] = [];
    for (const marker of markers) {
      const unitKey = String(marker.unitKey);
      const item = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.entrySk(unitKey));
      const claimedAt = item?.[CLAIMED_AT];
      const notFoundAt = item?.[NOT_FOUND_AT];
      open.push({
        unitKey,
        month,
        reservedAt: Number(marker.reservedAt),
        entry: item === undefined ? undefined : toEntry(item),
        lease: {
          claimedAt: typeof claimedAt === 'number' ? claimedAt : undefined,
          ...(typeof notFoundAt === 'number' ? { notFoundAt } : {}),
        },
      });
    }
    return open;
  }

  async closeReservation(month: string, unitKey: string, reservedAt: number): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: this.#openKey(month, unitKey),
          ConditionExpression: '#reservedAt = :reservedAt',
          ExpressionAttributeNames: { '#reservedAt': 'reservedAt' },
          ExpressionAttributeValues: { ':reservedAt': reservedAt },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return; // a newer reservation of the unit owns the marker now
      throw ledgerErrorOf('close reservation', unitKey, error);
    }
  }

  #expiresAt(at: number): number {
    return Math.floor(at / 1000) + this.#options.retentionDays * DAY_SECONDS;
  }

  #entryKey(entry: LedgerEntry) {
    return { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.entrySk(entry.unitKey) };
  }

  #pointerKey(unitKey: string) {
    return { pk: LEDGER_KEYS.unitPk(unitKey), sk: LEDGER_KEYS.unitSk };
  }

  #openKey(month: string, unitKey: string) {
    return { pk: LEDGER_KEYS.monthPk(month), sk: LEDGER_KEYS.openSk(unitKey) };
  }

  /** The unit's pointer: which month holds its ledger item (the idempotency lookup). */
  #pointerPut(unitKey: string, month: string, expiresAt: number) {
    return {
      TableName: this.#options.tableName,
      Item: { ...this.#pointerKey(unitKey), month, [TTL_ATTRIBUTE]: expiresAt },
    };
  }

  /** The open marker lets the sweeper find a reservation without reading the whole month. */
  #openPut(entry: LedgerEntry, expiresAt: number) {
    return {
      TableName: this.#options.tableName,
      Item: {
        ...this.#openKey(entry.month, entry.unitKey),
        unitKey: entry.unitKey,
        reservedAt: entry.reservedAt,
        [TTL_ATTRIBUTE]: expiresAt,
      },
    };
  }

  async #get(pk: string, sk: string, table = this.#options.tableName): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.#client.send(
        new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }),
      );
      return result.Item;
    } catch (error) {
      throw ledgerErrorOf('read', `${pk}/${sk}`, error);
    }
  }
}

/**
 * The sweeper's lease condition: nobody claimed the entry since the sweep read `lease` (and, for its
 * second look, the first look it read is still the entry's mark).
 */
function leaseCondition(lease: ReservationLease): string {
  const claim = lease.claimedAt === undefined ? LEASE_UNCLAIMED : LEASE_UNCHANGED;
  return lease.notFoundAt === undefined ? claim : `${claim} AND #notFoundAt = :notFoundAt`;
}

function leaseNames(lease: ReservationLease): Record<string, string> {
  return { '#claimedAt': CLAIMED_AT, ...(lease.notFoundAt === undefined ? {} : { '#notFoundAt': NOT_FOUND_AT }) };
}

function leaseValues(lease: ReservationLease): Record<string, unknown> {
  return {
    ...(lease.claimedAt === undefined ? {} : { ':claimedAt': lease.claimedAt }),
    ...(lease.notFoundAt === undefined ? {} : { ':notFoundAt': lease.notFoundAt }),
  };
}

function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function describeCancel(error: unknown): string {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None').join(',');
  }
  return error instanceof Error ? error.name : 'UnknownError';
}
