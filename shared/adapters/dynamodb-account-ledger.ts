import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountLedger, AccountUsage, SeenInvalidation } from '../app/ports.ts';
import { queryAll } from './dynamodb-query-all.ts';
import { ledgerErrorOf } from './errors.ts';
import type { TransactItem } from './ledger-items.ts';
import { LEDGER_KEYS, TTL_ATTRIBUTE } from './ledger-table.ts';

/** Options of the account ledger. */
export interface DynamoAccountLedgerOptions {
  /** The account table every stage shares (created once per account; docs/deploy.md). */
  readonly accountTableName: string;
  /** Days a seen-marker is kept before DynamoDB TTL removes it. */
  readonly retentionDays: number;
  readonly now: () => number;
}

const DAY_SECONDS = 86_400;

/**
 * The account-wide counters in the account table: `ACCOUNT#YYYY-MM / TOTAL` (every stage's reservations
 * add to it, see DynamoLedger) plus what other tools submitted (`OUTSIDE`), and a `SEEN#` marker per
 * invalidation the outside reconciler looked at, so each outside path is added once.
 */
export class DynamoAccountLedger implements AccountLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoAccountLedgerOptions;

  constructor(client: DynamoDBDocumentClient, options: DynamoAccountLedgerOptions) {
    this.#client = client;
    this.#options = options;
  }

  async seenInvalidations(month: string): Promise<Set<string>> {
    let items: Record<string, unknown>[];
    try {
      items = await queryAll(this.#client, {
        TableName: this.#options.accountTableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :seen)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': LEDGER_KEYS.accountPk(month), ':seen': LEDGER_KEYS.seenSk('', '') },
        ConsistentRead: true,
      });
    } catch (error) {
      throw ledgerErrorOf('seen invalidations', month, error);
    }
    return new Set(items.map((item) => `${item.distributionId}/${item.invalidationId}`));
  }

  async recordSeen(month: string, invalidation: SeenInvalidation): Promise<boolean> {
    const table = this.#options.accountTableName;
    const pk = LEDGER_KEYS.accountPk(month);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table,
          Item: {
            pk,
            sk: LEDGER_KEYS.seenSk(invalidation.distributionId, invalidation.invalidationId),
            ...invalidation,
            [TTL_ATTRIBUTE]: Math.floor(this.#options.now() / 1000) + this.#options.retentionDays * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (invalidation.outside) {
      for (const sk of [LEDGER_KEYS.totalSk, LEDGER_KEYS.outsideSk]) {
        items.push({
          Update: {
            TableName: table,
            Key: { pk, sk },
            UpdateExpression: 'ADD #paths :paths, #invalidations :one',
            ExpressionAttributeNames: { '#paths': 'paths', '#invalidations': 'invalidations' },
            ExpressionAttributeValues: { ':paths': invalidation.paths, ':one': 1 },
          },
        });
      }
    }
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return false; // another container saw it first
      }
      throw ledgerErrorOf('record seen', `${invalidation.distributionId}/${invalidation.invalidationId}`, error);
    }
  }

  async accountUsage(month: string): Promise<AccountUsage> {
    const [total, outside] = await Promise.all([
      this.#get(month, LEDGER_KEYS.totalSk),
      this.#get(month, LEDGER_KEYS.outsideSk),
    ]);
    return {
      paths: Number(total?.paths ?? 0),
      outsidePaths: Number(outside?.paths ?? 0),
      outsideInvalidations: Number(outside?.invalidations ?? 0),
    };
  }

  async #get(month: string, sk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.#client.send(
        new GetCommand({
          TableName: this.#options.accountTableName,
          Key: { pk: LEDGER_KEYS.accountPk(month), sk },
          ConsistentRead: true,
        }),
      );
      return result.Item;
    } catch (error) {
      throw ledgerErrorOf('read', `${month}/${sk}`, error);
    }
  }
}
