import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { buildLocalSettings } from '../helpers/local-stack.ts';

const SITE = 'E1E2E000000000';

interface ReceivedNotice {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

/**
 * The watcher on the local stack: changes made straight through the CloudFront API (as the console or
 * the CLI would), reported through the CloudTrail events the stage's EventBridge rule forwards.
 */
describe('local stack: watching changes made outside the service', () => {
  let stack: LocalStack;
  let console: CloudFrontClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      settings: buildLocalSettings({
        stage: 'watch',
        // Checks every second, so the test sees InProgress, then the change done.
        environment: { WATCH_CHECK_DELAYS: '1', DEPLOY_CHECK_DELAYS: '1', IN_FLIGHT_CACHE_SECONDS: '1' },
      }),
      completionDelayMs: 2500,
      deployDelayMs: 2500,
      watch: true,
    });
    // Another principal: what CloudTrail records as the caller (the console user's access key).
    console = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.cloudfront,
      credentials: { accessKeyId: 'AKIACONSOLEUSER', secretAccessKey: 'secret' },
    });
  }, 120_000);

  afterAll(async () => {
    console?.destroy();
    await stack?.stop();
  });

  async function noticesUntil(count: number, timeoutMs = 30_000): Promise<ReceivedNotice[]> {
    const watcher = stack.watcher;
    if (watcher === undefined) throw new Error('expected the watcher to run');
    const found: ReceivedNotice[] = [];
    const deadline = Date.now() + timeoutMs;
    while (found.length < count && Date.now() < deadline) {
      const page = await stack.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: watcher.noticesQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of page.Messages ?? []) {
        const envelope = JSON.parse(message.Body ?? '{}') as {
          Subject: string;
          Message: string;
          MessageAttributes: Record<string, { Value: string }>;
        };
        found.push({
          subject: envelope.Subject,
          message: envelope.Message,
          attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes).map(([k, v]) => [k, v.Value])),
        });
        await stack.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: watcher.noticesQueueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }),
        );
      }
    }
    return found;
  }

  it('reports an invalidation created directly through the API once, when Completed', async () => {
    // Act: a manual invalidation, and the same request sent again (CloudTrail records both calls)
    const input = {
      DistributionId: SITE,
      InvalidationBatch: {
        CallerReference: 'manual-fix-1',
        Paths: { Quantity: 2, Items: ['/secret-launch/*', '/index.html'] },
      },
    };
    const created = await console.send(new CreateInvalidationCommand(input));
    await console.send(new CreateInvalidationCommand(input));
    await stack.waitForIdle({ timeoutMs: 60_000 });
    const notices = await noticesUntil(2, 3000);

    // Assess
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.subject).toMatch(new RegExp(`^CloudFront invalidation completed: ${SITE} in \\d+ s$`));
    expect(notice?.attributes).toMatchObject({
      kind: 'completed',
      source: 'outside',
      status: 'Completed',
      distributionId: SITE,
      invalidationId: created.Invalidation?.Id,
      paths: '2',
    });
    expect(Number(notice?.attributes.latencySeconds)).toBeGreaterThanOrEqual(2);
    expect(`${notice?.subject}${notice?.message}`).not.toContain('secret-launch');
    expect(stack.watcher?.metrics.get('OutsideInvalidationCompleted')).toBe(1);
    expect(stack.watcher?.metrics.get('WatchRechecks')).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('reports a distribution update once, when Deployed', async () => {
    // Act
    const current = await console.send(new GetDistributionConfigCommand({ Id: SITE }));
    const updated = await console.send(
      new UpdateDistributionCommand({
        Id: SITE,
        IfMatch: current.ETag,
        DistributionConfig: { ...current.DistributionConfig, Comment: 'new cache behaviour' } as never,
      }),
    );
    const waited = await noticesUntil(1, 30_000);
    await stack.waitForIdle({ timeoutMs: 30_000 });
    const later = await noticesUntil(1, 2000);

    // Assess
    expect(updated.Distribution?.Status).toBe('InProgress');
    expect([...waited, ...later]).toHaveLength(1);
    expect(waited[0]?.subject).toMatch(new RegExp(`^CloudFront distribution deployed: ${SITE} in \\d+ s$`));
    expect(waited[0]?.attributes).toMatchObject({
      kind: 'deployed',
      source: 'outside',
      status: 'Deployed',
      distributionId: SITE,
      eTag: updated.ETag,
      operation: 'UpdateDistribution',
    });
    expect(Number(waited[0]?.attributes.latencySeconds)).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("does not report the collector's own invalidations twice", async () => {
    // Act: a change through S3 goes collector -> CloudFront; its CloudTrail event reaches the watcher too
    await stack.clients.s3.send(
      new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: 'e2e-site', Key: 'a.html', Body: 'v1' }),
    );
    await stack.waitForIdle({ timeoutMs: 60_000 });
    const notices = await noticesUntil(2, 3000);

    // Assess: one notice, from the ledger watch (source collector)
    expect(notices.map((notice) => notice.attributes.source)).toEqual(['collector']);
    expect(
      stack.logs.some((line) => line.extra.reason === 'issued by this service (the ledger watch follows it)'),
    ).toBe(true);
  }, 90_000);
});
