import { type DynamoDBDocumentClient, GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerInvalidation, PipelineLedger } from '../app/pipeline-ports.ts';
import { LEDGER_STATUS, type LedgerEntry, type LedgerStatus } from '../app/ports.ts';
import type { NotificationClaim, WatchedEntry, WatchLedger } from '../app/watch-ports.ts';
import { monthBoundsOf, monthKeyOf } from '../domain/month.ts';
import { toEntry } from './dynamodb-ledger.ts';
import { queryAll } from './dynamodb-query-all.ts';
import { LedgerError } from './errors.ts';
import { LEDGER_KEYS } from './ledger-table.ts';

/** Attributes the watcher adds to a ledger item (docs/operations.md lists them). */
const ATTR = {
  status: 'status',
  completedAt: 'completedAt',
  latencyMs: 'latencyMs',
  timedOutAt: 'timedOutAt',
  checkAttempt: 'checkAttempt',
  checkBy: 'checkBy',
  notifiedAt: 'notifiedAt',
  notifyBy: 'notifyBy',
  notifyClaimedAt: 'notifyClaimedAt',
} as const;

// Condition pieces, named once (DESIGN: build expressions from named pieces).
const STILL_WATCHED = '#status IN (:issued, :reserved)';
/** Shared with `DynamoWatchMarks`: no notice yet. */
export const NOT_NOTIFIED = 'attribute_not_exists(#notifiedAt)';
/** Shared with `DynamoWatchMarks`: no claim, our own claim (a redelivery), or a claim past its lease. */
export const CLAIM_FREE =
  '(attribute_not_exists(#notifyBy) OR #notifyBy = :claimer OR #notifyClaimedAt < :staleBefore)';
/** Shared with `DynamoWatchMarks`: one claimer per check attempt. */
export const CHECK_FREE =
  '(attribute_not_exists(#checkAttempt) OR #checkAttempt < :attempt OR (#checkAttempt = :attempt AND #checkBy = :claimer))';
const WATCHED_VALUES = { ':issued': LEDGER_STATUS.issued, ':reserved': LEDGER_STATUS.reserved };
const SUMMARY_FIELDS = ['unitKey', 'distributionId', 'status', 'invalidationId', 'reservedAt', 'issuedAt'];

/**
 * The watcher's and the pipeline's view of the ledger table (item shapes: docs/architecture.md):
 * completion and time-out updates, the notification claim, and invalidations issued since a time.
 * Every write is conditional, so duplicate SQS messages and concurrent invocations are harmless.
 */
export class DynamoWatchLedger implements WatchLedger, PipelineLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, options: { readonly tableName: string }) {
    this.#client = client;
    this.#tableName = options.tableName;
  }

  async find(month: string, unitKey: string): Promise<WatchedEntry | undefined> {
    const item = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.entrySk(unitKey));
    if (item === undefined) return undefined;
    const extra = (name: string) => (typeof item[name] === 'number' ? { [name]: item[name] } : {});
    return { ...toEntry(item), ...extra(ATTR.notifiedAt), ...extra(ATTR.timedOutAt) };
  }

  markCompleted(entry: LedgerEntry, completedAt: number, latencyMs: number): Promise<boolean> {
    return this.#update(entry, 'SET #status = :completed, #completedAt = :at, #latencyMs = :latency', STILL_WATCHED, {
      ':completed': LEDGER_STATUS.completed,
      ':at': completedAt,
      ':latency': latencyMs,
      ...WATCHED_VALUES,
    });
  }

  markTimedOut(entry: LedgerEntry, at: number): Promise<boolean> {
    return this.#update(entry, 'SET #status = :timedOut, #timedOutAt = :at', STILL_WATCHED, {
      ':timedOut': LEDGER_STATUS.timedOut,
      ':at': at,
      ...WATCHED_VALUES,
    });
  }

  claimCheck(entry: LedgerEntry, attempt: number, claimer: string): Promise<boolean> {
    return this.#update(
      entry,
      'SET #checkAttempt = :attempt, #checkBy = :claimer',
      `${STILL_WATCHED} AND ${CHECK_FREE}`,
      {
        ':attempt': attempt,
        ':claimer': claimer,
        ...WATCHED_VALUES,
      },
    );
  }

  async claimNotification(
    entry: LedgerEntry,
    claimer: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<NotificationClaim> {
    const claimed = await this.#update(
      entry,
      'SET #notifyBy = :claimer, #notifyClaimedAt = :now',
      `${NOT_NOTIFIED} AND ${CLAIM_FREE}`,
      {
        ':claimer': claimer,
        ':now': nowMs,
        ':staleBefore': nowMs - leaseMs,
      },
    );
    if (claimed) return 'claimed';
    const current = await this.find(entry.month, entry.unitKey);
    return current?.notifiedAt === undefined ? 'busy' : 'notified';
  }

  async releaseNotification(entry: LedgerEntry, claimer: string): Promise<void> {
    await this.#update(entry, 'REMOVE #notifyBy, #notifyClaimedAt', '#notifyBy = :claimer', { ':claimer': claimer });
  }

  async markNotified(entry: LedgerEntry, at: number): Promise<void> {
    await this.#update(
      entry,
      'SET #notifiedAt = if_not_exists(#notifiedAt, :at) REMOVE #notifyBy, #notifyClaimedAt',
      'attribute_exists(pk)',
      {
        ':at': at,
      },
    );
  }

  async monthPaths(month: string): Promise<number> {
    const total = await this.#get(LEDGER_KEYS.monthPk(month), LEDGER_KEYS.totalSk);
    return Number(total?.paths ?? 0);
  }

  async issuedSince(
    distributionIds: readonly string[],
    sinceMs: number,
    untilMs: number,
  ): Promise<LedgerInvalidation[]> {
    const wanted = new Set(distributionIds);
    const found: LedgerInvalidation[] = [];
    // The month partitions from `since` to `until` (usually one, two across a month's end).
    for (let at = sinceMs; at <= untilMs; at = monthBoundsOf(at).endMs) {
      for (const item of await this.#queryMonth(monthKeyOf(at), sinceMs)) {
        if (wanted.has(String(item.distributionId))) found.push(toSummary(item));
      }
    }
    return found;
  }

  async #queryMonth(month: string, sinceMs: number): Promise<Record<string, unknown>[]> {
    const names = Object.fromEntries(SUMMARY_FIELDS.map((field) => [`#${field}`, field]));
    try {
      return await queryAll(this.#client, {
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :inv)',
        // Issued since, or reserved since and not issued yet (the collector is mid-flight).
        FilterExpression: '#issuedAt >= :since OR (attribute_not_exists(#issuedAt) AND #reservedAt >= :since)',
        // The plan (pathsGz) stays behind: a month may hold thousands of items.
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':pk': LEDGER_KEYS.monthPk(month),
          ':inv': LEDGER_KEYS.entrySk(''),
          ':since': sinceMs,
        },
        ConsistentRead: true,
      });
    } catch (error) {
      throw wrap('query', LEDGER_KEYS.monthPk(month), error);
    }
  }

  /** A conditional update of one ledger item; false when the condition failed. */
  async #update(
    entry: LedgerEntry,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const expressions = `${update} ${condition}`;
    const names = Object.fromEntries(
      Object.values(ATTR)
        .filter((name) => expressions.includes(`#${name}`))
        .map((name) => [`#${name}`, name]),
    );
    const input: UpdateCommandInput = {
      TableName: this.#tableName,
      Key: { pk: LEDGER_KEYS.monthPk(entry.month), sk: LEDGER_KEYS.entrySk(entry.unitKey) },
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ...(Object.keys(names).length === 0 ? {} : { ExpressionAttributeNames: names }),
    };
    try {
      await this.#client.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw wrap('update', entry.unitKey, error);
    }
  }

  async #get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: { pk, sk }, ConsistentRead: true }),
      );
      return result.Item;
    } catch (error) {
      throw wrap('read', `${pk}/${sk}`, error);
    }
  }
}

function toSummary(item: Record<string, unknown>): LedgerInvalidation {
  return {
    unitKey: String(item.unitKey),
    distributionId: String(item.distributionId),
    status: item.status as LedgerStatus,
    reservedAt: Number(item.reservedAt),
    ...(typeof item.invalidationId === 'string' ? { invalidationId: item.invalidationId } : {}),
    ...(typeof item.issuedAt === 'number' ? { issuedAt: item.issuedAt } : {}),
  };
}

/** A LedgerError for a failed table call (retryable unless the request or the table is wrong). */
export function wrap(action: string, subject: string, error: unknown): LedgerError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const retryable = !['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException'].includes(name);
  return new LedgerError(`ledger ${action} failed for ${subject}: ${name}`, { retryable, cause: error });
}
