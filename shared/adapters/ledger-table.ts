import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Attribute that DynamoDB TTL reads on ledger and pointer items (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The ledger table's key schema, used to create it locally and checked against serverless.yml.
 * On-demand billing: the traffic is a few writes per batch.
 */
export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/** Key builders: one place for the item shapes documented in docs/architecture.md. */
export const LEDGER_KEYS = {
  monthPk: (month: string) => `MONTH#${month}`,
  totalSk: 'TOTAL',
  distributionSk: (distributionId: string) => `DIST#${distributionId}`,
  dayTotalSk: (day: number) => `DAY#${String(day).padStart(2, '0')}#TOTAL`,
  dayDistributionSk: (day: number, distributionId: string) =>
    `DAY#${String(day).padStart(2, '0')}#DIST#${distributionId}`,
  entrySk: (unitKey: string) => `INV#${unitKey}`,
  /** The month's savings counters (new keys, listings): items of their own, outside the reservations. */
  savingsTotalSk: 'SAVINGS#TOTAL',
  savingsDistributionSk: (distributionId: string) => `SAVINGS#DIST#${distributionId}`,
  /** Marker of a reservation not yet known to be settled: what the reservation sweeper reads. */
  openSk: (unitKey: string) => `OPEN#${unitKey}`,
  unitPk: (unitKey: string) => `UNIT#${unitKey}`,
  unitSk: 'UNIT',
  /**
   * Partition of the account-wide counters of a month, in the account table every stage shares
   * (`TOTAL`: every stage's paths plus outside ones; `OUTSIDE`: paths submitted by other tools).
   */
  accountPk: (month: string) => `ACCOUNT#${month}`,
  outsideSk: 'OUTSIDE',
  /** An invalidation the outside reconciler has looked at (ours or not), so it is counted once. */
  seenSk: (distributionId: string, invalidationId: string) => `SEEN#${distributionId}#${invalidationId}`,
} as const;
