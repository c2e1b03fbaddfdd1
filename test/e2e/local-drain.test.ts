import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPendingStore } from '../../shared/adapters/dynamodb-pending-store.ts';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { buildLocalSettings } from '../helpers/local-stack.ts';

const BUCKET = 'e2e-site';
const DISTRIBUTION = 'E1E2E000000000';

describe('the local stack drain schedule', () => {
  let stack: LocalStack;
  let offsetMs = 0;

  beforeAll(async () => {
    // A budget of 1 path is tight once it is spent, and a route may wait 10 minutes: changes are held.
    const settings = buildLocalSettings();
    stack = await startLocalStack({
      settings: {
        ...settings,
        environment: { ...settings.environment, MONTHLY_PATH_BUDGET: '1', MAX_STALENESS_SECONDS: '600' },
      },
      completionDelayMs: 200,
      now: () => Date.now() + offsetMs,
      drainIntervalMs: 200,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('issues a held change once it is due, with no batch coming', async () => {
    // Prepare
    const pending = new DynamoPendingStore(DynamoDBDocumentClient.from(stack.clients.dynamo), {
      tableName: stack.tableName,
    });
    const upload = (key: string) =>
      stack.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v1' }));
    await upload('warm.html');
    await stack.waitForIdle();
    await upload('held.html');
    await stack.waitForIdle();
    const held = (await pending.list(DISTRIBUTION)).flatMap((set) => set.paths);
    const drainsBefore = stack.drain?.runs() ?? 0;

    // Act: ten minutes later (the stack's clock), only the schedule runs.
    offsetMs = 600_000;
    const deadline = Date.now() + 30_000;
    while (stack.emulator.invalidations(DISTRIBUTION).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const runs = stack.drain?.runs() ?? 0;
    await stack.drain?.runNow(); // queued behind the drain that issued it: its set is removed by then

    // Assess
    expect(held).toEqual(['/held.html']);
    const issued = stack.emulator.invalidations(DISTRIBUTION).map((invalidation) => [...invalidation.paths]);
    expect(issued).toEqual([['/warm.html'], ['/held.html']]);
    expect(runs).toBeGreaterThan(drainsBefore);
    expect(await pending.list(DISTRIBUTION)).toEqual([]);
  });
});
