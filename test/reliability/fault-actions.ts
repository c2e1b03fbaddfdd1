import { setTimeout as sleep } from 'node:timers/promises';
import { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { buildDirectRecords, type DirectOutcome, deliverDirect } from './direct-batch.ts';
import type { FaultStack } from './fault-stack.ts';
import { notification } from './poison.ts';
import type { Rng } from './rng.ts';
import type { ObjectOp, QuotaFill, Scenario } from './scenario.ts';
import { COMPLETION_DELAY_MS } from './topology.ts';

/** Writes and deletes objects as a deploy tool does, eight at a time. */
export async function applyOps(faults: FaultStack, ops: readonly ObjectOp[]): Promise<void> {
  const s3 = faults.stack.clients.s3;
  let next = 0;
  const worker = async () => {
    while (next < ops.length) {
      const op = ops[next++] as ObjectOp;
      if (op.kind === 'put')
        await s3.send(new PutObjectCommand({ Bucket: op.bucket, Key: op.key, Body: op.body ?? '' }));
      else await s3.send(new DeleteObjectCommand({ Bucket: op.bucket, Key: op.key }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Sends each poison message straight to the queue; returns them by message id. */
export async function sendPoison(faults: FaultStack, poison: Scenario['poison']) {
  const sent: [string, Scenario['poison'][number]][] = [];
  for (const message of poison) {
    const { MessageId } = await faults.stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: faults.stack.queue.queueUrl, MessageBody: message.body }),
    );
    sent.push([MessageId ?? '', message]);
  }
  return sent;
}

/** The final op of every key a run changed, in the order of its last change. */
export function changedOps(scenario: Scenario): ObjectOp[] {
  const last = new Map<string, ObjectOp>();
  for (const op of scenario.bursts.flatMap((burst) => burst.ops)) {
    last.delete(`${op.bucket}/${op.key}`);
    last.set(`${op.bucket}/${op.key}`, op);
  }
  return [...last.values()];
}

/** The S3 event name of an op's notification. */
export function eventNameOf(op: ObjectOp): string {
  return op.kind === 'put' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete';
}

/** Sends copies of the notifications of changed keys straight to the queue, shuffled and delayed. */
export async function sendDuplicates(faults: FaultStack, scenario: Scenario, rng: Rng) {
  const ops = new Map(changedOps(scenario).map((op) => [`${op.bucket}/${op.key}`, op]));
  const copies = rng.fork('duplicates').shuffle(scenario.duplicates);
  for (let i = 0; i < copies.length; i += 10) {
    await faults.stack.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: faults.stack.queue.queueUrl,
        Entries: copies.slice(i, i + 10).map((copy, index) => {
          const op = ops.get(`${copy.bucket}/${copy.key}`);
          return {
            Id: String(index),
            MessageBody: notification(copy.bucket, copy.key, op === undefined ? 'ObjectCreated:Put' : eventNameOf(op)),
            DelaySeconds: copy.delaySeconds,
          };
        }),
      }),
    );
  }
}

/** A direct batch's outcome and the ids of its junk records. */
export type DirectRun = DirectOutcome & { readonly junkIds: ReadonlySet<string> };

/** Builds the run's direct batch and delivers it (or nothing, when the scenario has none). */
export async function startDirect(faults: FaultStack, scenario: Scenario, rng: Rng): Promise<DirectRun | null> {
  if (scenario.direct === null) return null;
  const directRng = rng.fork('direct');
  const copies = directRng
    .shuffle(changedOps(scenario))
    .slice(0, directRng.int(1, 30))
    .map((op) => notification(op.bucket, op.key, eventNameOf(op)));
  const junk = scenario.poison
    .filter((message) => message.expect === 'acknowledged' && message.body.length < 10_000)
    .map((message) => message.body);
  const records = buildDirectRecords(scenario.direct, `${scenario.prefix}d`, copies, junk);
  const junkIds = new Set(records.slice(copies.length, copies.length + junk.length).map((record) => record.messageId));
  const outcome = await deliverDirect(faults.stack, records, {
    invocations: scenario.direct.invocations,
    duplicateDelivery: scenario.direct.duplicateDelivery,
    maxReceiveCount: faults.stack.settings.maxReceiveCount,
    rng: directRng,
  });
  return { ...outcome, junkIds };
}

/**
 * Puts someone else's invalidations in flight (15 wildcards, or 3,000 exact paths) and holds them in
 * progress for `holdMs`, so CloudFront answers TooManyInvalidationsInProgress meanwhile.
 */
export async function fillQuota(faults: FaultStack, fill: QuotaFill, seed: number): Promise<boolean> {
  const { emulator, clients } = faults.stack;
  await sleep(fill.afterMs);
  emulator.setCompletionDelay('never');
  try {
    for (let attempt = 1; attempt <= 20; attempt++) {
      // Whatever is in flight stays: the fill takes the rest of the quota, up to CloudFront's limits.
      const inFlight = emulator
        .invalidations(fill.distributionId)
        .filter((invalidation) => invalidation.status === 'InProgress')
        .flatMap((invalidation) => invalidation.paths);
      const wildcards = inFlight.filter((path) => path.endsWith('*')).length;
      const room = fill.kind === 'wildcards' ? 15 - wildcards : 3000 - (inFlight.length - wildcards);
      const paths = Array.from({ length: Math.max(0, room) }, (_, i) =>
        fill.kind === 'wildcards' ? `/outside-${seed}-${i}/*` : `/outside-${seed}/f${i}`,
      );
      try {
        if (paths.length > 0) {
          await clients.cloudFront.send(
            new CreateInvalidationCommand({
              DistributionId: fill.distributionId,
              InvalidationBatch: {
                CallerReference: `outside-${seed}-${attempt}`,
                Paths: { Quantity: paths.length, Items: paths },
              },
            }),
          );
        }
        await sleep(fill.holdMs);
        return true;
      } catch {
        // Random faults hit our own requests too, and the collector may take a slot meanwhile: look again.
      }
    }
    return false;
  } finally {
    emulator.setCompletionDelay(COMPLETION_DELAY_MS);
  }
}
