import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledRoute, compileRoutes } from '../../shared/domain/routes.ts';
import { findStaleObjects, warmEdge } from '../../shared/local/demo/edge-check.ts';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { buildFiles, buildLocalSettings, deleteAll, uploadAll } from '../helpers/local-stack.ts';

const BUCKET = 'e2e-site';

describe('the local pipeline with delivery: eventbridge', () => {
  let stack: LocalStack;
  let route: CompiledRoute;
  let edge: string;

  beforeAll(async () => {
    stack = await startLocalStack({
      settings: buildLocalSettings({ delivery: 'eventbridge' }),
      completionDelayMs: 500,
    });
    route = compileRoutes(stack.settings.routes).routes[0] as CompiledRoute;
    edge = stack.edges.get(route.distributionId)?.endpoint ?? '';
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('turns uploads and deletes sent as EventBridge events into invalidations, and leaves nothing stale', async () => {
    // Prepare: version 1 is live and cached at the edge.
    const version1 = buildFiles('eb', 60, 1);
    await uploadAll(stack.clients.s3, BUCKET, version1);
    await stack.waitForIdle();
    await warmEdge(edge, route, version1.keys());
    const before = stack.emulator.invalidations().length;
    const deleted = [...version1.keys()].slice(0, 10);
    const version2 = new Map([...buildFiles('eb', 60, 2)].filter(([key]) => !deleted.includes(key)));

    // Act
    await uploadAll(stack.clients.s3, BUCKET, version2);
    await deleteAll(stack.clients.s3, BUCKET, deleted);
    await stack.waitForIdle();

    // Assess
    expect(JSON.parse(stack.bridge.lastBody() ?? '{}')).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Deleted',
      detail: { bucket: { name: BUCKET } },
    });
    expect(stack.metrics.get('InvalidRecords') ?? 0).toBe(0);
    expect(stack.metrics.get('ChangedKeys')).toBe(60 + 50 + 10);
    expect(stack.emulator.invalidations().length).toBeGreaterThan(before);
    expect((await findStaleObjects(edge, route, version2, deleted)).stale).toEqual([]);
  });

  it('sends nothing for changes made while the bridge is muted (how bench/e2e.ts seeds a site)', async () => {
    // Prepare
    const delivered = stack.bridge.delivered();
    const seeded = buildFiles('muted', 5, 1);

    // Act
    stack.bridge.mute(true);
    await uploadAll(stack.clients.s3, BUCKET, seeded);
    await deleteAll(stack.clients.s3, BUCKET, [...seeded.keys()].slice(0, 2));
    stack.bridge.mute(false);
    await uploadAll(stack.clients.s3, BUCKET, buildFiles('muted', 1, 2));
    await stack.waitForIdle();

    // Assess: only the upload after unmuting was notified.
    expect(stack.bridge.delivered() - delivered).toBe(1);
  });
});
