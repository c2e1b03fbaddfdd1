import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoMessageProgress } from '../../shared/adapters/dynamodb-message-progress.ts';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { ledgerTableDefinition } from '../../shared/adapters/ledger-table.ts';
import type { CollectorDeps, CollectorMetric, CollectorPolicy, Log } from '../../shared/app/collect-batch.ts';
import type { RetryQueue } from '../../shared/app/ports.ts';
import { compileRoutes } from '../../shared/domain/routes.ts';
import { uniqueName } from './aws-clients.ts';

/** Creates a fresh ledger table in DynamoDB Local and returns its name. */
export async function createLedgerTable(client: DynamoDBClient): Promise<string> {
  const tableName = uniqueName('ledger');
  await client.send(new CreateTableCommand(ledgerTableDefinition(tableName)));
  return tableName;
}

/** A policy with the defaults of the stage configuration, overridable per test. */
export function buildPolicy(overrides: Partial<CollectorPolicy> = {}): CollectorPolicy {
  return {
    monthlyPathBudget: 1000,
    maxPathsPerInvalidation: 500,
    hardMonthlyCap: undefined,
    wildcardSafetyMargin: 2,
    backoffBaseSeconds: 30,
    backoffMaxSeconds: 900,
    ...overrides,
  };
}

/** Log lines kept in memory, so tests can check what was said (and that no payload was). */
export interface CapturedLog extends Log {
  readonly lines: { level: string; message: string; extra: Record<string, unknown> }[];
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    lines.push({ level, message, extra: extra ?? {} });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Metrics summed in memory. */
export function captureMetrics(): {
  values: Map<CollectorMetric, number>;
  count(name: CollectorMetric, value: number): void;
} {
  const values = new Map<CollectorMetric, number>();
  return { values, count: (name, value) => values.set(name, (values.get(name) ?? 0) + value) };
}

/** Collector dependencies over the real adapters (DynamoDB Local, the CloudFront emulator). */
export function buildCollectorDeps(options: {
  dynamo: DynamoDBClient;
  tableName: string;
  cloudFront: CloudFrontClient;
  routes: unknown;
  policy?: Partial<CollectorPolicy>;
  now?: () => number;
  retryQueue?: RetryQueue;
  checkpoint?: CollectorDeps['checkpoint'];
  /** The account table the stage shares with the account's other stages. */
  accountTableName?: string;
  /** With the durable pending set and message progress (as deployed). */
  withPending?: boolean;
  /** No look-up in CloudFront before a unit moves month (its move is corrected after the create). */
  withoutFinder?: boolean;
}): CollectorDeps & { log: CapturedLog; metrics: ReturnType<typeof captureMetrics> } {
  const now = options.now ?? Date.now;
  const gateway = new CloudFrontGateway(options.cloudFront, { inFlightCacheMs: 0, now });
  return {
    routes: compileRoutes(options.routes),
    ledger: new DynamoLedger(DynamoDBDocumentClient.from(options.dynamo), {
      tableName: options.tableName,
      retentionDays: 30,
      accountTableName: options.accountTableName,
    }),
    gateway,
    // As deployed: a unit from an earlier month is looked up in CloudFront before it moves.
    ...(options.withoutFinder === true ? {} : { finder: gateway }),
    retryQueue: options.retryQueue,
    lister: undefined,
    policy: buildPolicy(options.policy),
    log: captureLog(),
    metrics: captureMetrics(),
    now,
    // A collector's timeout: a retry a minute after a crash may take the unit over.
    leaseMs: 30_000,
    random: () => 0.5,
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    ...(options.withPending === true ? pendingAdapters(options.dynamo, options.tableName) : {}),
  };
}

function pendingAdapters(dynamo: DynamoDBClient, tableName: string) {
  const document = DynamoDBDocumentClient.from(dynamo);
  return {
    pending: new DynamoPendingStore(document, { tableName }),
    progress: new DynamoMessageProgress(document, { tableName }),
  };
}

/** Every item of one month's partition (counters and ledger items). */
export async function readMonth(
  dynamo: DynamoDBClient,
  tableName: string,
  month: string,
): Promise<Record<string, unknown>[]> {
  const document = DynamoDBDocumentClient.from(dynamo);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await document.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MONTH#${month}` },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
