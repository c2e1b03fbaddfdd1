import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SavingsCounters, SavingsDelta } from '../app/savings-ports.ts';
import { monthKeyOf } from '../domain/month.ts';
import { ledgerErrorOf } from './errors.ts';
import { LEDGER_KEYS } from './ledger-table.ts';

/** Options of the savings counters. */
export interface DynamoSavingsCountersOptions {
  readonly tableName: string;
}

/**
 * The month's savings counters in the ledger table: `MONTH#m / SAVINGS#TOTAL` and
 * `SAVINGS#DIST#<id>`, each one UpdateItem with ADD. Not the path counters a reservation's
 * transaction writes: a plain write to an item inside a running transaction would cancel it.
 */
export class DynamoSavingsCounters implements SavingsCounters {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoSavingsCountersOptions;

  constructor(client: DynamoDBDocumentClient, options: DynamoSavingsCountersOptions) {
    this.#client = client;
    this.#options = options;
  }

  async add(distributionId: string, at: number, delta: SavingsDelta): Promise<void> {
    const fields = Object.entries(delta).filter(([, value]) => typeof value === 'number' && value !== 0);
    if (fields.length === 0) return;
    const pk = LEDGER_KEYS.monthPk(monthKeyOf(at));
    const update = {
      UpdateExpression: `ADD ${fields.map(([field]) => `#${field} :${field}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(fields.map(([field]) => [`#${field}`, field])),
      ExpressionAttributeValues: Object.fromEntries(fields.map(([field, value]) => [`:${field}`, value])),
    };
    try {
      await Promise.all(
        [LEDGER_KEYS.savingsTotalSk, LEDGER_KEYS.savingsDistributionSk(distributionId)].map((sk) =>
          this.#client.send(new UpdateCommand({ TableName: this.#options.tableName, Key: { pk, sk }, ...update })),
        ),
      );
    } catch (error) {
      throw ledgerErrorOf('savings update', distributionId, error);
    }
  }
}
