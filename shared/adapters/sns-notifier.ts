import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../app/watch-ports.ts';
import type { Notice } from '../domain/watch-policy.ts';
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
 * attributes `kind` (`completed` | `timed-out`), `distributionId`, `invalidationId` and `source` let
 * subscriptions filter (e.g. `{"kind":["timed-out"]}` for failures only) and machines route.
 */
export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notice: Notice): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: notice.subject,
          Message: notice.message,
          MessageAttributes: {
            kind: attribute(notice.kind),
            distributionId: attribute(notice.distributionId),
            invalidationId: attribute(notice.invalidationId),
          },
        }),
      );
    } catch (error) {
      const code = error instanceof Error ? error.name : 'UnknownError';
      throw new NotificationError(`SNS Publish of ${notice.kind} notice for ${notice.invalidationId} failed: ${code}`, {
        retryable: !PERMANENT.has(code),
        cause: error,
      });
    }
  }
}
