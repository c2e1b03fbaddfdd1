import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationClaim, WatchMarks } from '../app/watch-ports.ts';
import { CHECK_FREE, CLAIM_FREE, NOT_NOTIFIED, wrap } from './dynamodb-watch-ledger.ts';
import { TTL_ATTRIBUTE } from './ledger-table.ts';

/** Edge watches end within hours; their items expire a week after the last write (DynamoDB TTL). */
const MARK_TTL_SECONDS = 7 * 24 * 3600;
const SK = 'WATCH';
const NAMES = ['checkAttempt', 'checkBy', 'notifiedAt', 'notifyBy', 'notifyClaimedAt', TTL_ATTRIBUTE] as const;

/**
 * The state of edge watches (outside invalidations, deployments) in the ledger table: one item
 * `WATCH#<key> / WATCH` per watched change, created by its first claim, expiring after a week. The
 * conditions are the ledger items' own, so the same once-only guarantees hold.
 */
export class DynamoWatchMarks implements WatchMarks {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, options: { readonly tableName: string }) {
    this.#client = client;
    this.#tableName = options.tableName;
  }

  async isNotified(key: string): Promise<boolean> {
    try {
      const result = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: keyOf(key), ConsistentRead: true }),
      );
      return typeof result.Item?.notifiedAt === 'number';
    } catch (error) {
      throw wrap('read', key, error);
    }
  }

  claimCheck(key: string, attempt: number, claimer: string, nowMs: number): Promise<boolean> {
    return this.#update(key, 'SET #checkAttempt = :attempt, #checkBy = :claimer', `${NOT_NOTIFIED} AND ${CHECK_FREE}`, {
      ':attempt': attempt,
      ':claimer': claimer,
      ':expiresAt': expiry(nowMs),
    });
  }

  async claimNotification(key: string, claimer: string, nowMs: number, leaseMs: number): Promise<NotificationClaim> {
    const claimed = await this.#update(
      key,
      'SET #notifyBy = :claimer, #notifyClaimedAt = :now',
      `${NOT_NOTIFIED} AND ${CLAIM_FREE}`,
      { ':claimer': claimer, ':now': nowMs, ':staleBefore': nowMs - leaseMs, ':expiresAt': expiry(nowMs) },
    );
    if (claimed) return 'claimed';
    return (await this.isNotified(key)) ? 'notified' : 'busy';
  }

  async releaseNotification(key: string, claimer: string): Promise<void> {
    await this.#update(key, 'REMOVE #notifyBy, #notifyClaimedAt', '#notifyBy = :claimer', { ':claimer': claimer });
  }

  async markNotified(key: string, at: number): Promise<void> {
    await this.#update(
      key,
      'SET #notifiedAt = if_not_exists(#notifiedAt, :at) REMOVE #notifyBy, #notifyClaimedAt',
      'attribute_exists(pk)',
      { ':at': at, ':expiresAt': expiry(at) },
    );
  }

  async #update(key: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    // Every write that may create the item also sets its expiry.
    const withTtl = ':expiresAt' in values ? update.replace(/^SET /, 'SET #expiresAt = :expiresAt, ') : update;
    const expressions = `${withTtl} ${condition}`;
    const names = Object.fromEntries(
      NAMES.filter((name) => expressions.includes(`#${name}`)).map((name) => [`#${name}`, name]),
    );
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(key),
          UpdateExpression: withTtl,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw wrap('update', key, error);
    }
  }
}

function keyOf(key: string) {
  return { pk: `WATCH#${key}`, sk: SK };
}

function expiry(nowMs: number): number {
  return Math.floor(nowMs / 1000) + MARK_TTL_SECONDS;
}
