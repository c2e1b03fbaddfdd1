import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalStack } from '../../shared/local/stack.ts';
import { notification } from './poison.ts';
import type { Rng } from './rng.ts';
import type { DirectBatch } from './scenario.ts';
import { SITES } from './topology.ts';

/** Lambda's limit on an invocation payload, which caps an SQS batch below 10,000 large records. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;

/** What a direct batch did: records that ended like DLQ'd messages, and the invocations made. */
export interface DirectOutcome {
  readonly records: number;
  readonly eventBytes: number;
  readonly invocations: number;
  readonly crashedInvocations: number;
  /** Records still failing after maxReceiveCount deliveries: SQS would move them to the DLQ. */
  readonly deadLetters: readonly { readonly messageId: string; readonly body: string }[];
  /** Message ids the collector reported as failed at least once (a crashed invocation reports none). */
  readonly everFailed: ReadonlySet<string>;
}

/**
 * Builds the records of a direct batch: copies of real notifications (`copies`), junk (`junk`), and
 * filler deletes of keys that do not exist, padded so the whole event stays just under 6 MB.
 *
 * @param batch - size and padding from the scenario
 * @param prefix - the run's key prefix
 * @param copies - bodies of real notifications to include
 * @param junk - poison bodies to include
 */
export function buildDirectRecords(
  batch: DirectBatch,
  prefix: string,
  copies: readonly string[],
  junk: readonly string[],
): SQSRecord[] {
  const bodies = [...copies, ...junk];
  const fillers = Math.max(0, batch.records - bodies.length);
  const records: SQSRecord[] = bodies.map((body, i) => sqsRecord(`direct-${prefix}-${i}`, body));
  // Size the padding from the fixed part, so a 10,000-record event lands just under Lambda's 6 MB.
  const fixedBytes = Buffer.byteLength(JSON.stringify({ Records: records }));
  const sample = sqsRecord(`direct-${prefix}-${records.length}`, filler(prefix, records.length, ''));
  const perRecord = Buffer.byteLength(JSON.stringify(sample)) + 1;
  const room = Math.floor((MAX_EVENT_BYTES * 0.98 - fixedBytes) / Math.max(1, fillers)) - perRecord;
  const pad = 'p'.repeat(Math.max(0, Math.min(batch.padBytes, room)));
  for (let i = 0; i < fillers; i++) {
    const index = records.length;
    records.push(sqsRecord(`direct-${prefix}-${index}`, filler(prefix, index, pad)));
  }
  return records;
}

/**
 * Hands a batch to the collector the way SQS and Lambda would, without the queue: invokes, and
 * redelivers the failed records (regrouped, after a backoff) until they succeed or reach
 * `maxReceiveCount`. A crashed invocation fails all of its records.
 *
 * @param stack - the local stack (its `invoke` runs the deployed chain)
 * @param records - the batch
 * @param options - invocations at once, redelivery limit and a seeded source for the regrouping
 */
export async function deliverDirect(
  stack: LocalStack,
  records: readonly SQSRecord[],
  options: { invocations: number; maxReceiveCount: number; rng: Rng; duplicateDelivery?: boolean },
): Promise<DirectOutcome> {
  const eventBytes = Buffer.byteLength(JSON.stringify({ Records: records }));
  const everFailed = new Set<string>();
  let pending = [...records];
  let invocations = 0;
  let crashedInvocations = 0;
  for (let receive = 1; receive <= options.maxReceiveCount && pending.length > 0; receive++) {
    if (receive > 1) await sleep(options.rng.int(500, 1500));
    const parts = split(options.rng.shuffle(pending), options.invocations, options.rng);
    // Duplicate delivery: every group also goes to a second invocation at the same moment.
    const groups = receive === 1 && options.duplicateDelivery === true ? [...parts, ...parts] : parts;
    const failed = await Promise.all(
      groups.map(async (group) => {
        invocations++;
        const event: SQSEvent = { Records: group.map((record) => withReceiveCount(record, receive)) };
        try {
          const response = await stack.invoke(event);
          const ids = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
          for (const id of ids) everFailed.add(id);
          return group.filter((record) => ids.has(record.messageId));
        } catch {
          crashedInvocations++;
          return group;
        }
      }),
    );
    // A record failed by either copy comes back (once): the stricter reading of a duplicate delivery.
    pending = [...new Map(failed.flat().map((record) => [record.messageId, record])).values()];
  }
  return {
    records: records.length,
    eventBytes,
    invocations,
    crashedInvocations,
    deadLetters: pending.map((record) => ({ messageId: record.messageId, body: record.body })),
    everFailed,
  };
}

function split<T>(items: readonly T[], parts: number, rng: Rng): T[][] {
  if (parts <= 1 || items.length < 2) return [items.slice()];
  const cuts = new Set<number>();
  while (cuts.size < Math.min(parts - 1, items.length - 1)) cuts.add(rng.int(1, items.length - 1));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  return sorted.slice(1).map((end, i) => items.slice(sorted[i], end));
}

function filler(prefix: string, index: number, pad: string): string {
  const body = JSON.parse(
    notification(SITES.site, `${prefix}/bulk/d${index % 40}/f${index}.html`, 'ObjectRemoved:Delete'),
  ) as { Records: Record<string, unknown>[] };
  if (pad !== '') (body.Records[0] as Record<string, unknown>).padding = pad;
  return JSON.stringify(body);
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `direct-receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'direct',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:direct',
    awsRegion: 'us-east-1',
  };
}

/** A record as SQS hands it over on its `receive`-th delivery. */
export function withReceiveCount(record: SQSRecord, receive: number): SQSRecord {
  return { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(receive) } };
}
