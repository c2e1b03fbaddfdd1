import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledRoute, compileRoutes } from '../../shared/domain/routes.ts';
import { findStaleObjects, warmEdge } from '../../shared/local/demo/edge-check.ts';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { buildFiles, buildLocalSettings, deleteAll, uploadAll } from '../helpers/local-stack.ts';

const BUCKET = 'e2e-site';

function monthTotal(stack: LocalStack): number {
  return stack.emulator.invalidations().reduce((sum, invalidation) => sum + invalidation.paths.length, 0);
}

async function ledgerPaths(stack: LocalStack): Promise<number> {
  const { DynamoLedger } = await import('../../shared/adapters/dynamodb-ledger.ts');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { monthKeyOf } = await import('../../shared/domain/month.ts');
  const ledger = new DynamoLedger(DynamoDBDocumentClient.from(stack.clients.dynamo), {
    tableName: stack.tableName,
    retentionDays: 1,
  });
  return (await ledger.usage(monthKeyOf(Date.now()))).paths;
}

describe('the local pipeline', () => {
  let stack: LocalStack;
  let route: CompiledRoute;
  let edge: string;

  beforeAll(async () => {
    stack = await startLocalStack({ settings: buildLocalSettings(), completionDelayMs: 500 });
    route = compileRoutes(stack.settings.routes).routes[0] as CompiledRoute;
    edge = stack.edges.get(route.distributionId)?.endpoint ?? '';
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('a 2,000-file upload', () => {
    it('ends as one invalidation per batch window and leaves nothing stale', async () => {
      // Prepare: version 1 is live and cached at the edge.
      const version1 = buildFiles('big', 2000, 1);
      await uploadAll(stack.clients.s3, BUCKET, version1);
      await stack.waitForIdle();
      await warmEdge(edge, route, version1.keys());
      const before = stack.emulator.invalidations().length;
      const batchesBefore = stack.poller.invocations.length;

      // Act
      const version2 = buildFiles('big', 2000, 2);
      await uploadAll(stack.clients.s3, BUCKET, version2);
      await stack.waitForIdle();

      // Assess
      const issued = stack.emulator.invalidations().slice(before);
      const batches = stack.poller.invocations.slice(batchesBefore);
      expect(batches.every((batch) => batch.failures === 0)).toBe(true);
      expect(issued).toHaveLength(batches.length);
      expect(batches.reduce((sum, batch) => sum + batch.records, 0)).toBe(2000);
      expect((await findStaleObjects(edge, route, version2, [])).stale).toEqual([]);
      expect(issued.reduce((sum, invalidation) => sum + invalidation.paths.length, 0)).toBeLessThan(2000);
    });
  });

  describe('deleted objects', () => {
    it('stop being served at the edge', async () => {
      // Prepare
      const files = buildFiles('gone', 50, 1);
      await uploadAll(stack.clients.s3, BUCKET, files);
      await stack.waitForIdle();
      await warmEdge(edge, route, files.keys());
      const deleted = [...files.keys()].slice(0, 20);

      // Act
      await deleteAll(stack.clients.s3, BUCKET, deleted);
      await stack.waitForIdle();

      // Assess
      const kept = new Map([...files].filter(([key]) => !deleted.includes(key)));
      expect((await findStaleObjects(edge, route, kept, deleted)).stale).toEqual([]);
    });
  });

  describe('an upload spread over two batching windows', () => {
    it('gives two invalidations and nothing stale', async () => {
      // Prepare
      const version1 = buildFiles('split', 200, 1);
      await uploadAll(stack.clients.s3, BUCKET, version1);
      await stack.waitForIdle();
      await warmEdge(edge, route, version1.keys());
      const before = stack.emulator.invalidations().length;
      const version2 = buildFiles('split', 200, 2);
      const [first, second] = [new Map([...version2].slice(0, 100)), new Map([...version2].slice(100))];

      // Act: the second half starts after the first window has closed.
      await uploadAll(stack.clients.s3, BUCKET, first);
      await stack.waitForIdle();
      await uploadAll(stack.clients.s3, BUCKET, second);
      await stack.waitForIdle();

      // Assess
      expect(stack.emulator.invalidations().slice(before)).toHaveLength(2);
      expect((await findStaleObjects(edge, route, version2, [])).stale).toEqual([]);
    });
  });

  describe('the month counter', () => {
    it('equals the paths of every invalidation issued', async () => {
      // Act
      const counted = await ledgerPaths(stack);

      // Assess
      expect(counted).toBe(monthTotal(stack));
    });
  });
});

describe('a collector killed mid-batch', () => {
  it.each(['after-reserve', 'after-create'] as const)('loses nothing when it dies %s', async (step) => {
    // Prepare
    const stack = await startLocalStack({
      settings: buildLocalSettings(),
      completionDelayMs: 200,
      crash: { step, times: 1 },
    });
    try {
      const route = compileRoutes(stack.settings.routes).routes[0] as CompiledRoute;
      const edge = stack.edges.get(route.distributionId)?.endpoint ?? '';
      const version1 = buildFiles('crash', 300, 1);
      const version2 = buildFiles('crash', 300, 2);

      // Act: the first batch dies; it comes back after its visibility timeout and is retried.
      await uploadAll(stack.clients.s3, BUCKET, version1);
      await stack.waitForIdle({ timeoutMs: 60_000 });
      await warmEdge(edge, route, version1.keys());
      await uploadAll(stack.clients.s3, BUCKET, version2);
      await stack.waitForIdle({ timeoutMs: 60_000 });

      // Assess
      expect(stack.poller.invocations.some((invocation) => invocation.failures === invocation.records)).toBe(true);
      expect((await findStaleObjects(edge, route, version2, [])).stale).toEqual([]);
      expect(await ledgerPaths(stack)).toBe(monthTotal(stack));
      const references = stack.emulator.invalidations().map((invalidation) => invalidation.callerReference);
      expect(new Set(references).size).toBe(references.length);
    } finally {
      await stack.stop();
    }
  });
});
