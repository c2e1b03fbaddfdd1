import type { QueueConfiguration } from '@aws-sdk/client-s3';
import { ownQueueConfigurations } from '../../shared/deploy/bucket-notifications.ts';
import { type NotificationS3, readConfiguration } from './bucket-notification-store.ts';

/** What one existing bucket should hold for this stage (env `NOTIFICATION_CHECKS`, from the stack). */
export interface NotificationCheck {
  readonly bucket: string;
  readonly idPrefix: string;
  readonly queueArn: string;
  readonly prefixes: readonly string[];
  readonly delivery: 'notifications' | 'eventbridge';
}

/** One bucket's result: how many of our entries (or the EventBridge switch) are missing, and why. */
export interface CheckResult {
  readonly bucket: string;
  readonly missing: number;
  readonly reason?: string;
}

/**
 * Reads each bucket's notification configuration and counts what of ours is gone: queue entries with
 * our Ids, queue and filter (direct delivery), or the EventBridge switch (EventBridge delivery). Another
 * writer can drop them without any stack noticing (the configuration has no lock). A bucket that cannot
 * be read counts as missing everything: the alarm must not stay quiet because the check is blind.
 *
 * @param accountId - the stack's account (ExpectedBucketOwner)
 */
export async function checkNotifications(
  s3: NotificationS3,
  checks: readonly NotificationCheck[],
  accountId: string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const expected =
      check.delivery === 'eventbridge' ? [] : ownQueueConfigurations(check.idPrefix, check.queueArn, check.prefixes);
    const wanted = Math.max(1, expected.length);
    try {
      const config = await readConfiguration(s3, { bucket: check.bucket, accountId });
      if (check.delivery === 'eventbridge') {
        const on = config.EventBridgeConfiguration !== undefined;
        results.push({
          bucket: check.bucket,
          missing: on ? 0 : 1,
          ...(on ? {} : { reason: 'EventBridge delivery is off' }),
        });
        continue;
      }
      // S3 may return rule names capitalised (`Prefix`) and keys in its own order: compare what matters.
      const present = new Set((config.QueueConfigurations ?? []).map(signature));
      const missing = expected.filter((entry) => !present.has(signature(entry))).length;
      results.push({
        bucket: check.bucket,
        missing,
        ...(missing === 0 ? {} : { reason: `${missing} of ${expected.length} entries gone` }),
      });
    } catch (error) {
      results.push({ bucket: check.bucket, missing: wanted, reason: error instanceof Error ? error.name : 'Error' });
    }
  }
  return results;
}

function signature(entry: QueueConfiguration): string {
  const prefix = entry.Filter?.Key?.FilterRules?.find((rule) => rule.Name?.toLowerCase() === 'prefix')?.Value ?? '';
  return JSON.stringify([entry.Id, entry.QueueArn, prefix, [...(entry.Events ?? [])].sort()]);
}

/**
 * Parses `NOTIFICATION_CHECKS` (JSON written by the stack, shared/deploy/stack-values.ts).
 *
 * @returns no checks when the variable is unset or empty
 */
export function readNotificationChecks(text: string | undefined): NotificationCheck[] {
  if (text === undefined || text === '') return [];
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error('NOTIFICATION_CHECKS: expected a JSON array, got another value');
  return value as NotificationCheck[];
}
