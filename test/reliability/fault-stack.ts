import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LEDGER_KEYS } from '../../shared/adapters/ledger-table.ts';
import type { UnitStep } from '../../shared/app/issue-unit.ts';
import { type CompiledRoute, compileRoutes, type RouteTable } from '../../shared/domain/routes.ts';
import { type CrashPolicy, type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { type DynamoFaults, installDynamoFaults } from './dynamo-faults.ts';
import { type ChildCollector, createChildCollector } from './process-crash.ts';
import { buildFaultStackSettings, COMPLETION_DELAY_MS } from './topology.ts';

/** Counter fields of a month item (docs/architecture.md, DynamoDB items). */
export interface Counters {
  readonly paths: number;
  readonly exactPaths: number;
  readonly wildcardPaths: number;
  readonly invalidations: number;
}

/** A ledger item of the month partition, as the invariants read it. */
export interface LedgerRow {
  readonly unitKey: string;
  /** The month partition the item lives in (where its paths are counted). */
  readonly month: string;
  readonly distributionId: string;
  readonly status: string;
  readonly callerReference: string;
  readonly invalidationId: string | undefined;
  readonly pathCount: number;
}

/** A message read (and deleted) from a DLQ. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
}

/** The local stack with the handles the fault runs need: a settable clock and crash policy. */
export interface FaultStack {
  readonly stack: LocalStack;
  readonly table: RouteTable;
  /** The stack's clock: virtual time that flows like real time from the last `setTime`. */
  setTime(epochMs: number): void;
  now(): number;
  /** The crash policy of the collector from now on (`null`: never crash). */
  setCrashPolicy(policy: CrashPolicy | null): void;
  /** Crashes injected so far, by step. */
  readonly crashes: Map<UnitStep, number>;
  /** Faults of the collector's DynamoDB client (the observations below use a client of their own). */
  readonly dynamoFaults: DynamoFaults;
  /** The collector in a child process that real crashes (SIGKILL) kill; off unless a run sets a plan. */
  readonly child: ChildCollector;
  counters(month: string, sk: string): Promise<Counters>;
  /** Adds usage to a month's account counters, as earlier traffic would have. */
  addUsage(month: string, paths: number, invalidations: number): Promise<void>;
  ledgerRows(month: string): Promise<LedgerRow[]>;
  /** Reads and deletes every message of the DLQ. */
  drainDlq(): Promise<DeadLetter[]>;
  /** The route of a distribution's edge (its first route). */
  edgeRoute(distributionId: string): CompiledRoute;
  stop(): Promise<void>;
}

/**
 * Starts one local stack for many fault runs (DynamoDB Local costs seconds to start): two buckets,
 * three distributions (one bucket feeds two, one through an origin path), short windows and backoff,
 * three concurrent invocations, a virtual clock so each run lives in its own month.
 *
 * @param options - completion delay of the CloudFront emulator (default {@link COMPLETION_DELAY_MS})
 */
export async function startFaultStack(options: { completionDelayMs?: number } = {}): Promise<FaultStack> {
  let anchor = Date.now();
  let anchoredAt = Date.now();
  const now = () => anchor + (Date.now() - anchoredAt);
  let policy: CrashPolicy | null = null;
  const crashes = new Map<UnitStep, number>();
  const child = createChildCollector(
    () => stack,
    () => ({ anchor, anchoredAt }),
  );
  const stack: LocalStack = await startLocalStack({
    pollerHandler: child.handler,
    // The runs drain when their scenario says (seeded), not on a wall-clock timer.
    drainIntervalMs: 0,
    settings: buildFaultStackSettings(),
    completionDelayMs: options.completionDelayMs ?? COMPLETION_DELAY_MS,
    now,
    crash: (step, unitKey) => {
      if (policy === null || !policy(step, unitKey)) return false;
      crashes.set(step, (crashes.get(step) ?? 0) + 1);
      return true;
    },
  });
  const table = compileRoutes(stack.settings.routes);
  const dynamoFaults = installDynamoFaults(stack.clients.dynamo);
  const observer = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: stack.endpoints.dynamodb,
  });
  const document = DynamoDBDocumentClient.from(observer);
  const tableName = stack.tableName;
  return {
    stack,
    table,
    setTime(epochMs) {
      anchor = epochMs;
      anchoredAt = Date.now();
    },
    now,
    setCrashPolicy(next) {
      policy = next;
    },
    crashes,
    dynamoFaults,
    child,
    async counters(month, sk) {
      const { Item } = await document.send(
        new GetCommand({ TableName: tableName, Key: { pk: LEDGER_KEYS.monthPk(month), sk }, ConsistentRead: true }),
      );
      const read = (name: string) => (typeof Item?.[name] === 'number' ? (Item[name] as number) : 0);
      return {
        paths: read('paths'),
        exactPaths: read('exactPaths'),
        wildcardPaths: read('wildcardPaths'),
        invalidations: read('invalidations'),
      };
    },
    async addUsage(month, paths, invalidations) {
      await document.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: LEDGER_KEYS.monthPk(month), sk: LEDGER_KEYS.totalSk },
          UpdateExpression: 'ADD #paths :paths, #invalidations :invalidations',
          ExpressionAttributeNames: { '#paths': 'paths', '#invalidations': 'invalidations' },
          ExpressionAttributeValues: { ':paths': paths, ':invalidations': invalidations },
        }),
      );
    },
    async ledgerRows(month) {
      const rows: LedgerRow[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await document.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :inv)',
            ExpressionAttributeValues: { ':pk': LEDGER_KEYS.monthPk(month), ':inv': LEDGER_KEYS.entrySk('') },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        for (const item of page.Items ?? []) {
          rows.push({
            unitKey: String(item.unitKey),
            month,
            distributionId: String(item.distributionId),
            status: String(item.status),
            callerReference: String(item.callerReference),
            invalidationId: typeof item.invalidationId === 'string' ? item.invalidationId : undefined,
            pathCount: Number(item.pathCount),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return rows;
    },
    async drainDlq() {
      const letters: DeadLetter[] = [];
      for (;;) {
        const { Messages = [] } = await stack.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: stack.queue.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) return letters;
        for (const message of Messages) letters.push({ messageId: message.MessageId ?? '', body: message.Body ?? '' });
        await stack.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: stack.queue.dlqUrl,
            Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
      }
    },
    edgeRoute(distributionId) {
      const route = table.routes.find((candidate) => candidate.distributionId === distributionId);
      if (route === undefined) throw new Error(`expected a route for distribution ${distributionId}, got none`);
      return route;
    },
    async stop() {
      await child.stop();
      observer.destroy();
      await stack.stop();
    },
  };
}

/**
 * The start of the `index`-th run's month: January of year 2100 + `index` (31 days, so every run paces
 * against the same month length). The run may go on into February (month-crossing and long-wait runs);
 * one year per run keeps the counters of runs apart.
 *
 * @param index - the run's position in its stack's life (0, 1, ...)
 */
export function virtualMonthStart(index: number): number {
  return Date.UTC(2100 + index, 0, 1);
}

/** The start of the month after the run's own (February 1st of its year). */
export function virtualNextMonthStart(index: number): number {
  return Date.UTC(2100 + index, 1, 1);
}
