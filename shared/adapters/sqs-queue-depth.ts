import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth, QueueDepthReader } from '../app/pipeline-ports.ts';
import { AdapterError } from './errors.ts';

const ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  inFlight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

/**
 * The change queue's depth, from SQS's approximate counts (they lag by up to a minute, so callers
 * confirm an empty reading before trusting it).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/confirm-queue-is-empty.html
 */
export class SqsQueueDepth implements QueueDepthReader {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async depth(): Promise<QueueDepth> {
    try {
      const result = await this.#client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.#queueUrl, AttributeNames: Object.values(ATTRIBUTES) }),
      );
      const count = (name: (typeof ATTRIBUTES)[keyof typeof ATTRIBUTES]) => Number(result.Attributes?.[name] ?? 0);
      return {
        visible: count(ATTRIBUTES.visible),
        inFlight: count(ATTRIBUTES.inFlight),
        delayed: count(ATTRIBUTES.delayed),
      };
    } catch (error) {
      const code = error instanceof Error ? error.name : 'UnknownError';
      const retryable = ![
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        'AccessDenied',
        'AccessDeniedException',
      ].includes(code);
      throw new AdapterError(`GetQueueAttributes on the change queue failed: ${code}`, { retryable, cause: error });
    }
  }
}
