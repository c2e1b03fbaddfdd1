import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../app/watch-ports.ts';
import type { Notice } from '../domain/notices.ts';
import { AdapterError } from './errors.ts';

/** Publishing a notification failed; `retryable` unless the topic is missing or access is denied. */
export class NotificationError extends AdapterError {
  override name = 'NotificationError';
}

const PERMANENT = new Set([
  'NotFoundException',
  'NotFound',
  'AuthorizationErrorException',
  'InvalidParameterException',
  'InvalidParameter',
]);

/**
 * Publishes watcher notifications to one SNS topic. The text suits e-mail subscribers; the message
 * attributes carry every fact for machines (`kind`, `source`, `distributionId`, `status`, the ids and
 * figures: docs/operations.md) and let subscriptions filter (`{"kind":["timed-out"]}` for failures only).
 * Numbers go as `Number` attributes, so filter policies can compare them.
 */
export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notice: Notice): Promise<void> {
    const attribute = (value: string | number) =>
      typeof value === 'number'
        ? { DataType: 'Number', StringValue: String(value) }
        : { DataType: 'String', StringValue: value };
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: notice.subject,
          Message: notice.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(notice.attributes).map(([name, value]) => [name, attribute(value)]),
          ),
        }),
      );
    } catch (error) {
      const code = error instanceof Error ? error.name : 'UnknownError';
      const about = notice.attributes.invalidationId ?? notice.attributes.eTag ?? '';
      throw new NotificationError(
        `SNS Publish of ${notice.kind} notice for ${notice.attributes.distributionId} ${about} failed: ${code}`,
        {
          retryable: !PERMANENT.has(code),
          cause: error,
        },
      );
    }
  }
}
