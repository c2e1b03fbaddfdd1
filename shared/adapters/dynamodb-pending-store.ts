import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { MAX_SOURCE_IDS, type PendingSet, type PendingStore, type PendingSummary } from '../app/pending-ports.ts';
import { queryAll } from './dynamodb-query-all.ts';
import { LedgerError } from './errors.ts';

/** Item keys of the pending set, in the stage's table (docs/architecture.md). */
export const PENDING_KEYS = {
  distributionPk: (distributionId: string) => `PENDING#${distributionId}`,
  setSk: (setKey: string, part: number) => `SET#${setKey}#${part}`,
  leaseSk: 'LEASE',
  /** Registry of distributions that ever had pending sets: what the report and the drain read. */
  registryPk: 'PENDING',
  registrySk: (distributionId: string) => `DIST#${distributionId}`,
} as const;

/** Characters of paths per item: DynamoDB items hold at most 400 KB. */
const PART_CHARS = 300_000;

/**
 * The pending sets in DynamoDB: one item per set (more when its paths pass {@link PART_CHARS}),
 * written conditionally so a retried write changes nothing; a lease item per distribution, taken with
 * a conditional update, keeps two drains from planning the same sets.
 */
export class DynamoPendingStore implements PendingStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, options: { readonly tableName: string }) {
    this.#client = client;
    this.#tableName = options.tableName;
  }

  async put(set: PendingSet): Promise<void> {
    const parts = splitPaths(set.paths);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { pk: PENDING_KEYS.registryPk, sk: PENDING_KEYS.registrySk(set.distributionId) },
        }),
      );
      for (const [part, paths] of parts.entries()) {
        await this.#putIfAbsent({
          pk: PENDING_KEYS.distributionPk(set.distributionId),
          sk: PENDING_KEYS.setSk(set.setKey, part),
          setKey: set.setKey,
          part,
          parts: parts.length,
          paths,
          firstSeenAt: set.firstSeenAt,
          ...(set.maxStalenessSeconds === undefined ? {} : { maxStalenessSeconds: set.maxStalenessSeconds }),
          messageIds: set.messageIds.slice(0, MAX_SOURCE_IDS),
          messageCount: set.messageCount,
          changedObjects: part === 0 ? set.changedObjects : 0,
        });
      }
    } catch (error) {
      throw wrap('put', set.distributionId, error);
    }
  }

  async list(distributionId: string): Promise<PendingSet[]> {
    const items = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :set)',
        ExpressionAttributeValues: { ':pk': PENDING_KEYS.distributionPk(distributionId), ':set': 'SET#' },
      },
      distributionId,
    );
    const sets = new Map<string, PendingSet>();
    for (const item of items) {
      const setKey = String(item.setKey);
      const paths = (item.paths as string[] | undefined) ?? [];
      const known = sets.get(setKey);
      if (known !== undefined) {
        sets.set(setKey, { ...known, paths: [...known.paths, ...paths] });
        continue;
      }
      sets.set(setKey, {
        distributionId,
        setKey,
        paths,
        firstSeenAt: Number(item.firstSeenAt),
        ...(typeof item.maxStalenessSeconds === 'number' ? { maxStalenessSeconds: item.maxStalenessSeconds } : {}),
        messageIds: (item.messageIds as string[] | undefined) ?? [],
        messageCount: Number(item.messageCount ?? 0),
        changedObjects: Number(item.changedObjects ?? 0),
        parts: Number(item.parts ?? 1),
        ...(typeof item.claimedBy === 'string' ? { claimedBy: item.claimedBy } : {}),
      });
    }
    return [...sets.values()].sort((a, b) => a.firstSeenAt - b.firstSeenAt || (a.setKey < b.setKey ? -1 : 1));
  }

  async acquireLease(distributionId: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: PENDING_KEYS.distributionPk(distributionId), sk: PENDING_KEYS.leaseSk },
          UpdateExpression: 'SET #owner = :owner, #leasedAt = :now',
          ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :owner OR #leasedAt < :stale',
          ExpressionAttributeNames: { '#owner': 'owner', '#leasedAt': 'leasedAt' },
          ExpressionAttributeValues: { ':owner': owner, ':now': now, ':stale': now - ttlMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw wrap('acquireLease', distributionId, error);
    }
  }

  async releaseLease(distributionId: string, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { pk: PENDING_KEYS.distributionPk(distributionId), sk: PENDING_KEYS.leaseSk },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Taken over after it went stale: the new holder's lease stays.
      if (!(error instanceof ConditionalCheckFailedException)) throw wrap('releaseLease', distributionId, error);
    }
  }

  async claim(sets: readonly PendingSet[], unitKey: string): Promise<void> {
    for (const { key, set } of itemKeys(sets)) {
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: key,
            UpdateExpression: 'SET claimedBy = :unit',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':unit': unitKey },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw wrap('claim', set.distributionId, error);
      }
    }
  }

  async remove(sets: readonly PendingSet[]): Promise<void> {
    for (const { key, set } of itemKeys(sets)) {
      try {
        await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: key }));
      } catch (error) {
        throw wrap('remove', set.distributionId, error);
      }
    }
  }

  async summarize(): Promise<PendingSummary[]> {
    const registry = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :dist)',
        ExpressionAttributeValues: { ':pk': PENDING_KEYS.registryPk, ':dist': 'DIST#' },
      },
      'registry',
    );
    const summaries: PendingSummary[] = [];
    for (const item of registry) {
      const distributionId = String(item.sk).slice('DIST#'.length);
      const sets = await this.list(distributionId);
      summaries.push({
        distributionId,
        sets: sets.length,
        paths: sets.reduce((sum, set) => sum + set.paths.length, 0),
        oldestFirstSeenAt: sets[0]?.firstSeenAt,
      });
    }
    return summaries;
  }

  async #putIfAbsent(item: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({ TableName: this.#tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async #query(input: Omit<QueryCommandInput, 'TableName'>, what: string): Promise<Record<string, unknown>[]> {
    try {
      return await queryAll(this.#client, { ...input, TableName: this.#tableName });
    } catch (error) {
      throw wrap('query', what, error);
    }
  }
}

function splitPaths(paths: readonly string[]): string[][] {
  const parts: string[][] = [[]];
  let chars = 0;
  for (const path of paths) {
    if (chars + path.length > PART_CHARS && (parts.at(-1) as string[]).length > 0) {
      parts.push([]);
      chars = 0;
    }
    (parts.at(-1) as string[]).push(path);
    chars += path.length;
  }
  return parts;
}

function itemKeys(sets: readonly PendingSet[]): { key: Record<string, string>; set: PendingSet }[] {
  return sets.flatMap((set) =>
    Array.from({ length: set.parts ?? 1 }, (_, part) => ({
      key: { pk: PENDING_KEYS.distributionPk(set.distributionId), sk: PENDING_KEYS.setSk(set.setKey, part) },
      set,
    })),
  );
}

function wrap(action: string, subject: string, error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  const code = error instanceof Error ? error.name : 'UnknownError';
  return new LedgerError(`pending ${action} for ${subject} failed: ${code}`, { retryable: true, cause: error });
}
