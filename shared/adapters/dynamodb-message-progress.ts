import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { MessageProgress } from '../app/pending-ports.ts';
import { LedgerError } from './errors.ts';
import { TTL_ATTRIBUTE } from './ledger-table.ts';

/** SQS keeps a message at most 14 days (retention counts from the first enqueue); one more for clocks. */
const KEEP_SECONDS = 15 * 86_400;
const GET_LIMIT = 100;
const WRITE_LIMIT = 25;

/** Item keys of message progress (docs/architecture.md). */
export const PROGRESS_KEYS = {
  pk: (distributionId: string) => `PROGRESS#${distributionId}`,
  sk: (messageId: string) => `MSG#${messageId}`,
} as const;

/**
 * Which messages a distribution already handled, in the stage's table with TTL: a message retried
 * because another distribution it feeds failed is not issued (nor billed) again here.
 */
export class DynamoMessageProgress implements MessageProgress {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, options: { readonly tableName: string }) {
    this.#client = client;
    this.#tableName = options.tableName;
  }

  async handled(distributionId: string, messageIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    try {
      for (let start = 0; start < messageIds.length; start += GET_LIMIT) {
        let keys: Record<string, unknown>[] | undefined = messageIds
          .slice(start, start + GET_LIMIT)
          .map((id) => ({ pk: PROGRESS_KEYS.pk(distributionId), sk: PROGRESS_KEYS.sk(id) }));
        for (let round = 0; keys !== undefined && keys.length > 0 && round < 5; round++) {
          const page: BatchGetCommandOutput = await this.#client.send(
            new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: keys } } }),
          );
          for (const item of page.Responses?.[this.#tableName] ?? []) found.add(String(item.messageId));
          keys = page.UnprocessedKeys?.[this.#tableName]?.Keys;
        }
      }
    } catch (error) {
      throw wrap('read', distributionId, error);
    }
    return found;
  }

  async markHandled(distributionId: string, messageIds: readonly string[], now: number): Promise<void> {
    const expiresAt = Math.floor(now / 1000) + KEEP_SECONDS;
    try {
      for (let start = 0; start < messageIds.length; start += WRITE_LIMIT) {
        let requests:
          | NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]
          | undefined = messageIds.slice(start, start + WRITE_LIMIT).map((messageId) => ({
          PutRequest: {
            Item: {
              pk: PROGRESS_KEYS.pk(distributionId),
              sk: PROGRESS_KEYS.sk(messageId),
              messageId,
              [TTL_ATTRIBUTE]: expiresAt,
            },
          },
        }));
        for (let round = 0; requests !== undefined && requests.length > 0 && round < 5; round++) {
          const result: BatchWriteCommandOutput = await this.#client.send(
            new BatchWriteCommand({ RequestItems: { [this.#tableName]: requests } }),
          );
          requests = result.UnprocessedItems?.[this.#tableName];
        }
        if (requests !== undefined && requests.length > 0) {
          throw new LedgerError(
            `progress write for ${distributionId}: expected 0 unprocessed, got ${requests.length}`,
            {
              retryable: true,
            },
          );
        }
      }
    } catch (error) {
      throw wrap('write', distributionId, error);
    }
  }
}

function wrap(action: string, distributionId: string, error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  const code = error instanceof Error ? error.name : 'UnknownError';
  return new LedgerError(`progress ${action} for ${distributionId} failed: ${code}`, { retryable: true, cause: error });
}
