import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import type { Rng } from './rng.ts';

/** What a DynamoDB fault does to one request attempt. */
export type DynamoFaultKind = 'conflict' | 'throttle' | 'lostResponse';

/** Per-attempt probabilities of each fault (together at most 1). */
export type DynamoFaultRates = Partial<Readonly<Record<DynamoFaultKind, number>>>;

/** The fault switch of a client. */
export interface DynamoFaults {
  /** Faults from now on, drawn from `rng` (`null`: off). */
  set(rates: DynamoFaultRates | null, rng?: Rng): void;
  /**
   * Refuses every write whose request names `text` (a distribution id), as a conflict, until set to
   * null: one distribution's DynamoDB writes fail while the others go through. Counted as `targeted`.
   */
  refuseWritesNaming(text: string | null): void;
  /** Faults injected so far, by kind (`throttle:transaction` for a throttled TransactWriteItems). */
  readonly injected: Map<string, number>;
}

const WRITES = new Set(['TransactWriteItemsCommand', 'UpdateItemCommand', 'PutItemCommand', 'DeleteItemCommand']);

/**
 * Adds fault injection to a DynamoDB client, inside the SDK's retry loop (each attempt draws):
 * - `conflict`: a write is refused before it runs, as DynamoDB does when transactions collide
 *   (TransactionCanceledException with TransactionConflict, or TransactionConflictException);
 * - `throttle`: ProvisionedThroughputExceededException before a single write runs (the SDK retries it);
 *   a transaction is throttled as DynamoDB really does it: TransactionCanceledException whose
 *   cancellation reasons say ThrottlingError (not retried by the SDK: the ledger must cope);
 * - `lostResponse`: a write runs, then its answer is lost (a timeout), so the caller cannot tell.
 * Reads are never faulted: the run's observations go through another client anyway.
 *
 * @param client - the collector's client (the document client shares its middleware stack)
 */
export function installDynamoFaults(client: DynamoDBClient): DynamoFaults {
  let rates: DynamoFaultRates | null = null;
  let rng: Rng | undefined;
  const injected = new Map<string, number>();
  let refused: string | null = null;
  const draw = (): DynamoFaultKind | null => {
    if (rates === null || rng === undefined) return null;
    let threshold = rng.next();
    for (const kind of ['conflict', 'throttle', 'lostResponse'] as const) {
      threshold -= rates[kind] ?? 0;
      if (threshold < 0) return kind;
    }
    return null;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      if (refused !== null && WRITES.has(command) && JSON.stringify(args.input).includes(refused)) {
        injected.set('targeted', (injected.get('targeted') ?? 0) + 1);
        throw conflictFor(command);
      }
      const fault = WRITES.has(command) ? draw() : null;
      if (fault === null) return next(args);
      const transaction = command === 'TransactWriteItemsCommand';
      const label = fault === 'throttle' && transaction ? 'throttle:transaction' : fault;
      injected.set(label, (injected.get(label) ?? 0) + 1);
      if (fault === 'throttle') throw transaction ? throttledTransaction() : throttled();
      if (fault === 'conflict') throw conflictFor(command);
      await next(args);
      throw Object.assign(new Error('injected: the response was lost'), { name: 'TimeoutError', $metadata: {} });
    },
    { step: 'finalizeRequest', priority: 'low', name: 'reliabilityDynamoFaults' },
  );
  return {
    set(next, nextRng) {
      rates = next;
      rng = nextRng;
    },
    refuseWritesNaming(text) {
      refused = text;
    },
    injected,
  };
}

function conflictFor(command: string): Error {
  if (command !== 'TransactWriteItemsCommand') {
    return new TransactionConflictException({ message: 'injected: a transaction holds the item', $metadata: {} });
  }
  return new TransactionCanceledException({
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
  });
}

function throttled(): Error {
  return new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata: {} });
}

/** https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html (ThrottlingError). */
function throttledTransaction(): Error {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]',
    $metadata: {},
    CancellationReasons: [
      { Code: 'None' },
      { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' },
    ],
  });
}
