import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { type DynamoDBClient, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontGateway } from '../../shared/adapters/cloudfront-gateway.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { PROGRESS_KEYS } from '../../shared/adapters/dynamodb-message-progress.ts';
import { type CollectorPolicy, collectBatch, drainPending } from '../../shared/app/collect-batch.ts';
import { InjectedCrashError } from '../../shared/app/errors.ts';
import type { UnitStep } from '../../shared/app/issue-unit.ts';
import { sweepReservations } from '../../shared/app/sweep-reservations.ts';
import { type CachingEdge, startCachingEdge } from '../../shared/local/caching-edge.ts';
import {
  createDynamoClient,
  createS3Client,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  uniqueName,
} from '../helpers/aws-clients.ts';
import { buildCollectorDeps, captureLog, captureMetrics, readMonth } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildS3Notification, buildS3Record, buildSqsBatch, buildSqsRecord } from '../helpers/events.ts';
import { installDynamoFaults } from '../reliability/dynamo-faults.ts';

const SITE = 'E1SITE0000000A';
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE }];
/** Two distributions fed by the same messages (the soak's `rel-two`): one succeeds, one fails. */
const KEPT = 'E4TWOKEPT00001';
const FAILING = 'E5TWOFAILS0001';
const TWO_ROUTES = [
  { bucket: 'two-bucket', distributionId: KEPT },
  { bucket: 'two-bucket', distributionId: FAILING },
];
const NOW = Date.parse('2026-11-21T12:00:00Z');
const MONTH = '2026-11';
const STALE_MS = 900_000;

function keys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}/section-${i % 3}/page-${i}.html`);
}

function counted(items: Record<string, unknown>[], sk = 'TOTAL'): number {
  return Number(items.find((item) => item.sk === sk)?.paths ?? 0);
}

function entryOf(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.filter((item) => String(item.sk).startsWith('INV#'));
}

type CommandTest = (command: string, input: Record<string, unknown>) => boolean;

/**
 * Makes DynamoDB refuse the first command `matches` picks, once, as a TransactionConflictException (the SDK
 * does not retry it; DynamoDB answers it when a transaction holds the item).
 *
 * @returns whether the refusal has happened yet
 */
function refuseOnce(dynamo: DynamoDBClient, matches: CommandTest | undefined): () => boolean {
  let pending = matches;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (pending?.(String(context.commandName), args.input as Record<string, unknown>) === true) {
        pending = undefined;
        throw new TransactionConflictException({ message: 'injected: a transaction holds the item', $metadata: {} });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'refuseOnceForTests' },
  );
  return () => matches !== undefined && pending === undefined;
}

/** The ledger's `markIssued` (the only update that sets `:issued`). */
const MARK_ISSUED: CommandTest = (command, input) =>
  command === 'UpdateItemCommand' && String(input.UpdateExpression).includes(':issued');

/**
 * Regressions the randomized fault runs (test/reliability, `npm run soak`) found, each replayed here
 * deterministically against the real adapters, DynamoDB Local and the CloudFront world.emulator.
 */
describe('fault regressions', () => {
  /** The emulator's clock follows the time of the last collector or sweep the test built. */
  let clock = NOW;
  const world = useCollectorWorld({
    distributions: [
      { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
      ...[KEPT, FAILING].map((id) => ({
        id,
        origins: [{ id: 't', domainName: 'two-bucket.s3.us-east-1.amazonaws.com' }],
      })),
    ],
    now: () => clock,
  });

  const issued = () =>
    world.emulator.invalidations(SITE).reduce((sum, invalidation) => sum + invalidation.paths.length, 0);

  function depsFor(
    options: {
      cloudFront?: CloudFrontClient;
      crashAt?: UnitStep;
      now?: number;
      hardMonthlyCap?: number;
      policy?: Partial<CollectorPolicy>;
    } = {},
  ) {
    let crashes = options.crashAt === undefined ? 0 : 1;
    clock = options.now ?? NOW;
    return buildCollectorDeps({
      dynamo: world.dynamo,
      tableName: world.tableName,
      cloudFront: options.cloudFront ?? world.cloudFront,
      routes: ROUTES,
      now: () => options.now ?? NOW,
      policy: { hardMonthlyCap: options.hardMonthlyCap, ...options.policy },
      checkpoint: (step) => {
        if (step !== options.crashAt || crashes === 0) return;
        crashes--;
        throw new InjectedCrashError(`killed at ${step}`, { retryable: true });
      },
    });
  }

  function sweepDeps(now: number) {
    clock = now;
    return {
      ledger: new DynamoLedger(DynamoDBDocumentClient.from(world.dynamo), {
        tableName: world.tableName,
        retentionDays: 30,
      }),
      finder: new CloudFrontGateway(world.cloudFront, { inFlightCacheMs: 0, now: () => now }),
      log: captureLog(),
      now: () => now,
      staleAfterMs: STALE_MS,
    };
  }

  const ownClients: DynamoDBClient[] = [];
  afterAll(() => {
    for (const client of ownClients) client.destroy();
  });

  /**
   * Collector deps over a DynamoDB client of the test's own, whose middleware `instrument` adds (faults
   * injected inside the SDK's retry loop, or commands counted at the client).
   */
  function depsOver(
    now: number,
    instrument: (dynamo: DynamoDBClient) => void,
    options: { readonly routes?: unknown; readonly withPending?: boolean } = {},
  ) {
    const dynamo = createDynamoClient();
    ownClients.push(dynamo);
    instrument(dynamo);
    clock = now;
    return buildCollectorDeps({
      dynamo,
      tableName: world.tableName,
      cloudFront: world.cloudFront,
      routes: options.routes ?? ROUTES,
      now: () => now,
      ...(options.withPending === true ? { withPending: true } : {}),
    });
  }

  /** The records of a failed batch, brought back by SQS in two other batches. */
  async function regroup(records: readonly SQSRecord[], now: number): Promise<void> {
    const half = Math.ceil(records.length / 2);
    for (const part of [records.slice(0, half), records.slice(half)]) {
      const results = await collectBatch(part, depsFor({ now }));
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    }
  }

  describe('CreateInvalidation created, then the SDK retries were throttled', () => {
    it('counts the invalidation the first attempt created (regression)', async () => {
      // Prepare: the SDK's own retries (3 attempts) end on a throttle, which alone would read as
      // "CloudFront created nothing".
      const retrying = new CloudFrontClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: world.emulator.endpoint,
      });
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('sdk', 6) });
      world.emulator.faults
        .next('CreateInvalidation', { kind: 'lostResponse', as: 'serverError' })
        .next('CreateInvalidation', { kind: 'throttle', times: 2 });

      // Act
      const results = await collectBatch(records, depsFor({ cloudFront: retrying }));
      await regroup(records, NOW + 60_000);

      // Assess
      retrying.destroy();
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(world.emulator.invalidations(SITE)).toHaveLength(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(issued());
    });
  });

  describe('a unit left reserved whose messages came back in other batches', () => {
    it('is released by the sweep when CloudFront never created it (regression)', async () => {
      // Prepare: the collector dies after reserving; SQS brings the messages back split in two.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('crash', 8) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));
      await regroup(records, NOW + 60_000);
      const overCounted = counted(await readMonth(world.dynamo, world.tableName, MONTH));

      // Act: a first look, then a second a staleness later.
      const first = await sweepReservations(sweepDeps(NOW + 60_000 + STALE_MS + 1));
      const stillCounted = counted(await readMonth(world.dynamo, world.tableName, MONTH));
      const second = await sweepReservations(sweepDeps(NOW + 60_000 + 2 * STALE_MS + 1));

      // Assess
      const items = await readMonth(world.dynamo, world.tableName, MONTH);
      expect(overCounted).toBeGreaterThan(issued());
      expect(first).toEqual({ issued: 0, released: 0, closed: 2, deferred: 0, awaiting: 1 });
      expect(stillCounted).toBe(overCounted);
      expect(second).toEqual({ issued: 0, released: 1, closed: 0, deferred: 0, awaiting: 0 });
      expect(counted(items)).toBe(issued());
      expect(counted(items, `DIST#${SITE}`)).toBe(issued());
      expect(
        entryOf(items)
          .map((item) => item.status)
          .sort(),
      ).toEqual(['issued', 'issued', 'released']);
      expect(items.filter((item) => String(item.sk).startsWith('OPEN#'))).toEqual([]);
    });

    it('is marked issued by the sweep when CloudFront created it and the answer was lost (regression)', async () => {
      // Prepare
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('lost', 8) });
      world.emulator.faults.next('CreateInvalidation', { kind: 'lostResponse', as: 'reset' });
      await collectBatch(records, depsFor());
      await regroup(records, NOW + 60_000);
      const [created] = world.emulator.invalidations(SITE);

      // Act
      const result = await sweepReservations(sweepDeps(NOW + 60_000 + STALE_MS + 1));

      // Assess
      const items = await readMonth(world.dynamo, world.tableName, MONTH);
      expect(result).toEqual({ issued: 1, released: 0, closed: 2, deferred: 0, awaiting: 0 });
      expect(counted(items)).toBe(issued());
      expect(entryOf(items).find((item) => item.callerReference === created?.callerReference)).toMatchObject({
        status: 'issued',
        invalidationId: created?.id,
      });
    });

    it('stays reserved when a retry claims it after the sweep read it (regression)', async () => {
      // Prepare: the sweep has read the stale reservation and its lease...
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('lease', 4) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));
      const ledger = new DynamoLedger(DynamoDBDocumentClient.from(world.dynamo), {
        tableName: world.tableName,
        retentionDays: 30,
      });
      const [open] = await ledger.openReservations(MONTH, NOW + STALE_MS);
      const entry = open?.entry;
      if (open === undefined || entry === undefined) throw new Error('expected an open reservation, got none');
      // ...then a retry of the same messages claims it to issue it.
      await ledger.claim(entry, { owner: 'retry', at: NOW + STALE_MS + 5, leaseMs: STALE_MS });

      // Act
      const released = await ledger.release(entry, { lease: open.lease });

      // Assess
      expect(released).toBe(false);
      expect((await ledger.findUnit(entry.unitKey))?.status).toBe('reserved');
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(entry.plan.paths.length);
    });

    /** 101 invalidations of other tools on the site, created at `at` (more than one sweep looks up). */
    async function consoleInvalidations(at: number): Promise<void> {
      clock = at;
      for (let i = 0; i <= 100; i++) {
        await world.cloudFront.send(
          new CreateInvalidationCommand({
            DistributionId: SITE,
            InvalidationBatch: { CallerReference: `console-${i}`, Paths: { Quantity: 1, Items: [`/other-${i}`] } },
          }),
        );
      }
    }

    it('is settled when 100+ newer invalidations follow it on a busy distribution (regression)', async () => {
      // Prepare: an orphan, then 101 invalidations of other tools well after its last possible attempt.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('busy', 4) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));
      await consoleInvalidations(NOW + 2 * STALE_MS);

      // Act: the first look, then the second a staleness later.
      const deps = { ...sweepDeps(NOW + 3 * STALE_MS), metrics: captureMetrics() };
      const first = await sweepReservations(deps);
      const second = await sweepReservations({ ...sweepDeps(NOW + 4 * STALE_MS), metrics: deps.metrics });

      // Assess
      expect(first).toEqual({ issued: 0, released: 0, closed: 0, deferred: 0, awaiting: 1 });
      expect(second).toEqual({ issued: 0, released: 1, closed: 0, deferred: 0, awaiting: 0 });
      expect(deps.metrics.values.get('StuckReservations')).toBe(0);
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(0);
    });

    it('is left for a later sweep, and reported stuck, when its own window holds 100+ invalidations', async () => {
      // Prepare: an orphan, then 101 invalidations of other tools within a minute of it.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('busy', 4) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));
      await consoleInvalidations(NOW + 60_000);

      // Act
      const deps = { ...sweepDeps(NOW + STALE_MS + 60_001), metrics: captureMetrics() };
      const result = await sweepReservations(deps);

      // Assess
      expect(result).toEqual({ issued: 0, released: 0, closed: 0, deferred: 1, awaiting: 0 });
      expect(deps.metrics.values.get('StuckReservations')).toBe(1);
      expect(entryOf(await readMonth(world.dynamo, world.tableName, MONTH)).map((item) => item.status)).toEqual([
        'reserved',
      ]);
    });

    it('is left alone by the sweep while it is younger than the staleness (regression)', async () => {
      // Prepare
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('young', 4) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));

      // Act
      const result = await sweepReservations(sweepDeps(NOW + STALE_MS - 1));

      // Assess
      expect(result).toEqual({ issued: 0, released: 0, closed: 0, deferred: 0, awaiting: 0 });
      expect(entryOf(await readMonth(world.dynamo, world.tableName, MONTH)).map((item) => item.status)).toEqual([
        'reserved',
      ]);
    });
  });

  describe('a CreateInvalidation still on its way when the sweep looks', () => {
    const CAP = 8;

    async function untilHeld(): Promise<void> {
      for (let waited = 0; world.emulator.faults.pending() > 0; waited += 20) {
        if (waited > 5000) throw new Error('expected the create to be held, got it still queued after 5 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    /**
     * A unit whose CreateInvalidation is held past the sweep's two looks, so the sweep releases it while the
     * request is on its way. Returns the unit's records, the held batch, and the second sweep's result.
     */
    async function releasedWhileHeld(name: string) {
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys(name, 4) });
      world.emulator.faults.next('CreateInvalidation', { kind: 'latency', ms: 2500 });
      const slow = collectBatch(records, depsFor());
      await untilHeld();
      await sweepReservations(sweepDeps(NOW + STALE_MS + 1));
      const release = await sweepReservations(sweepDeps(NOW + 2 * STALE_MS + 2));
      return { records, slow, release };
    }

    it('keeps its paths counted, so the hard cap goes to nobody else, until it lands (regression)', async () => {
      // Prepare: a unit of 8 paths takes the whole cap; its CreateInvalidation is held past the staleness.
      const slowRecords = buildSqsBatch({ bucket: 'site-bucket', keys: keys('slow', CAP) });
      world.emulator.faults.next('CreateInvalidation', { kind: 'latency', ms: 1500 });
      const slow = collectBatch(slowRecords, depsFor({ hardMonthlyCap: CAP }));
      await untilHeld();

      // Act: the sweep looks while the create is held, another batch asks for paths, then the create lands.
      const sweep = await sweepReservations(sweepDeps(NOW + STALE_MS + 1));
      const other = await collectBatch(
        buildSqsBatch({ bucket: 'site-bucket', keys: keys('other', 4) }),
        depsFor({ now: NOW + STALE_MS + 2, hardMonthlyCap: CAP }),
      );
      const landed = await slow;

      // Assess
      const items = await readMonth(world.dynamo, world.tableName, MONTH);
      expect(sweep).toMatchObject({ released: 0, awaiting: 1 });
      expect(landed.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(other.every((result) => result.status === 'rejected')).toBe(true);
      expect(issued()).toBe(CAP);
      expect(counted(items)).toBe(issued());
      expect(entryOf(items).map((item) => item.status)).toEqual(['issued']);
    });

    it('is found at the second look when it landed after the first and its invocation died (regression)', async () => {
      // Prepare: the create is held past the first look, lands, and the invocation dies before recording it.
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('late', 4) });
      world.emulator.faults.next('CreateInvalidation', { kind: 'latency', ms: 1500 });
      const slow = collectBatch(records, depsFor({ crashAt: 'after-create' }));
      await untilHeld();
      const first = await sweepReservations(sweepDeps(NOW + STALE_MS + 1));
      await slow;

      // Act
      const second = await sweepReservations(sweepDeps(NOW + 2 * STALE_MS + 2));

      // Assess
      const items = await readMonth(world.dynamo, world.tableName, MONTH);
      expect(first).toMatchObject({ released: 0, awaiting: 1 });
      expect(second).toEqual({ issued: 1, released: 0, closed: 0, deferred: 0, awaiting: 0 });
      expect(world.emulator.invalidations(SITE)).toHaveLength(1);
      expect(counted(items)).toBe(issued());
    });

    it('goes out again with its own plan when a retry comes after the sweep released it (regression)', async () => {
      // Prepare: the create is held past both looks, so the sweep releases the unit while it is on its way.
      const { records, slow, release } = await releasedWhileHeld('again');

      // Act: SQS brings the same messages back at once, with a budget that would plan one wildcard.
      const retried = await collectBatch(
        records,
        depsFor({ now: NOW + 2 * STALE_MS + 3, policy: { maxPathsPerInvalidation: 1 } }),
      );
      await slow;

      // Assess
      const refused = world.emulator.requests().filter((request) => request.errorCode !== null);
      expect(release).toMatchObject({ released: 1 });
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(refused.map((request) => request.errorCode)).not.toContain('InvalidationBatchAlreadyExists');
      expect(world.emulator.invalidations(SITE)).toHaveLength(1);
      expect(world.emulator.invalidations(SITE)[0]?.paths).toHaveLength(4);
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(issued());
    });

    it('goes out again when the retry, in the same millisecond, plans the very paths the sweep released', async () => {
      // Prepare: as above, but the retry's own plan equals the released one, and the clock stands still,
      // so only the condition tells the second reservation attempt from the first.
      const { records, slow } = await releasedWhileHeld('same');

      // Act
      const deps = depsFor({ now: NOW + 2 * STALE_MS + 3 });
      const retried = await collectBatch(records, deps);
      await slow;

      // Assess
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(deps.log.lines.map((line) => line.message)).toContain(
        'paths reserved again with the plan the sweep released',
      );
      expect(world.emulator.invalidations(SITE)).toHaveLength(1);
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(issued());
    });

    it('keeps the released plan when its retry is refused by CloudFront and retried again (regression)', async () => {
      // Prepare: the sweep releases the unit while its create is held; SQS brings the messages back, and
      // CloudFront refuses that retry's create (throttled on the only attempt: released again by its holder).
      const { records, slow } = await releasedWhileHeld('kept');
      world.emulator.faults.next('CreateInvalidation', { kind: 'throttle' });
      const refused = await collectBatch(
        records,
        depsFor({ now: NOW + 2 * STALE_MS + 3, policy: { maxPathsPerInvalidation: 1 } }),
      );

      // Act: the messages come back once more, with a budget that would plan one wildcard.
      const retried = await collectBatch(
        records,
        depsFor({ now: NOW + 2 * STALE_MS + 4, policy: { maxPathsPerInvalidation: 1 } }),
      );
      await slow;

      // Assess: on the code before, the first retry's reservation overwrote the sweep's mark, so the second
      // planned afresh and sent one wildcard under the CallerReference the held create carried with 4 paths.
      const errors = world.emulator.requests().map((request) => request.errorCode);
      expect(refused.every((result) => result.status === 'rejected')).toBe(true);
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(errors).not.toContain('InvalidationBatchAlreadyExists');
      expect(world.emulator.invalidations(SITE).map((invalidation) => invalidation.paths.length)).toEqual([4]);
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(issued());
    });

    it('looks afresh once a retry has claimed it between the two looks', async () => {
      // Prepare: an orphan, a first look, then a retry claims it (and dies holding it).
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('claimed', 4) });
      await collectBatch(records, depsFor({ crashAt: 'after-reserve' }));
      const first = await sweepReservations(sweepDeps(NOW + STALE_MS + 1));
      const { ledger } = sweepDeps(NOW + STALE_MS + 5);
      const [open] = await ledger.openReservations(MONTH, NOW + STALE_MS + 5);
      if (open?.entry === undefined) throw new Error('expected an open reservation, got none');
      await ledger.claim(open.entry, { owner: 'retry', at: NOW + STALE_MS + 5, leaseMs: 30_000 });

      // Act: a staleness after the first look, but not after the claim; then a staleness after the claim.
      const early = await sweepReservations(sweepDeps(NOW + 2 * STALE_MS + 2));
      const later = await sweepReservations(sweepDeps(NOW + 2 * STALE_MS + 6));

      // Assess
      expect(first).toMatchObject({ awaiting: 1 });
      expect(early).toEqual({ issued: 0, released: 0, closed: 0, deferred: 0, awaiting: 0 });
      expect(later).toEqual({ issued: 0, released: 0, closed: 0, deferred: 0, awaiting: 1 });
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(open.entry.plan.paths.length);
    });
  });

  describe("a new unit's reservation", () => {
    /** Collector deps whose DynamoDB client records every command it sends and every item it reads. */
    function countingDeps(now: number) {
      // At the client, one per `send`: what DynamoDB is asked, whatever the code counts.
      const commands = new Map<string, number>();
      const reads: string[] = [];
      const deps = depsOver(now, (dynamo) =>
        dynamo.middlewareStack.add(
          (next, context) => (args) => {
            const name = String(context.commandName);
            commands.set(name, (commands.get(name) ?? 0) + 1);
            if (name === 'GetItemCommand') reads.push(JSON.stringify((args.input as { Key?: unknown }).Key));
            return next(args);
          },
          { step: 'initialize', name: 'countCommandsForTests' },
        ),
      );
      return { deps, commands, ledgerReads: () => reads.filter((key) => key.includes('INV#')) };
    }

    it("reads no ledger item before reserving: the sweep's release is refused by the transaction itself", async () => {
      // Prepare
      const { deps, commands, ledgerReads } = countingDeps(NOW);

      // Act
      const results = await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: keys('hot', 4) }), deps);

      // Assess: the unit's pointer and the month's total, one transaction (the code before also read the
      // unit's ledger item, to find a plan the sweep had released).
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(ledgerReads()).toEqual([]);
      expect(commands.get('GetItemCommand')).toBe(2);
      expect(commands.get('TransactWriteItemsCommand')).toBe(1);
    });

    it("reads last month's ledger item on the 1st, where the transaction cannot see it", async () => {
      // Prepare
      const { deps, ledgerReads } = countingDeps(Date.parse('2026-12-01T08:00:00Z'));

      // Act
      const results = await collectBatch(buildSqsBatch({ bucket: 'site-bucket', keys: keys('first', 4) }), deps);

      // Assess
      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(ledgerReads()).toHaveLength(1);
      expect(ledgerReads()[0]).toContain('MONTH#2026-11');
    });
  });

  describe('a unit CloudFront holds from last month, found by its retry', () => {
    it('is issued once when recording it is refused and the changes wait in the pending set (regression)', async () => {
      // Prepare: CloudFront creates the unit on 31 January and the invocation dies before recording it.
      const JANUARY_END = Date.parse('2027-01-31T23:50:00Z');
      const FEBRUARY = Date.parse('2027-02-01T00:10:00Z');
      const records = buildSqsBatch({ bucket: 'site-bucket', keys: keys('held-refused', 3) });
      const first = await collectBatch(records, depsFor({ crashAt: 'after-create', now: JANUARY_END }));
      expect(first.map((result) => result.status)).toEqual(records.map(() => 'rejected'));
      // DynamoDB then refuses the retry's markIssued once (TransactionConflict, which the SDK does not retry).
      let refused = () => false;
      const deps = depsOver(
        FEBRUARY,
        (dynamo) => {
          refused = refuseOnce(dynamo, MARK_ISSUED);
        },
        { withPending: true },
      );

      // Act: SQS brings the messages back in February; the retry finds January's invalidation in
      // CloudFront, then the scheduled drain runs, then the sweep settles what was not recorded.
      const retried = await collectBatch(records, deps);
      await drainPending(deps);
      const sweep = await sweepReservations(sweepDeps(FEBRUARY + STALE_MS + 1));

      // Assess: on the code before, the refused record sent the changes to the pending set and the drain
      // invalidated them a second time under another unit; now CloudFront has them once, counted in January.
      expect(refused()).toBe(true);
      expect(retried.map((result) => result.status)).toEqual(records.map(() => 'fulfilled'));
      const path = `/${keys('held-refused', 3)[0]}`;
      expect(
        world.emulator.invalidations(SITE).filter((invalidation) => invalidation.paths.includes(path)),
      ).toHaveLength(1);
      expect(sweep).toMatchObject({ issued: 1, released: 0 });
      expect(counted(await readMonth(world.dynamo, world.tableName, '2027-01'))).toBe(3);
      expect(counted(await readMonth(world.dynamo, world.tableName, '2027-02'))).toBe(0);
    });
  });

  describe('a message feeding two distributions, one of which fails (soak seed 148)', () => {
    const KEY = 'w2/k0.html';

    /**
     * Collector deps whose DynamoDB writes naming the failing distribution are refused as the soak refuses
     * them, and whose first write matching `refuse` is refused once more, as a TransactionConflictException
     * (the SDK does not retry it; DynamoDB answers it when a transaction holds the item).
     */
    function twoDistributionDeps(now: number, refuse?: CommandTest) {
      let faults: ReturnType<typeof installDynamoFaults> | undefined;
      const deps = depsOver(
        now,
        (dynamo) => {
          faults = installDynamoFaults(dynamo);
          faults.refuseWritesNaming(FAILING);
          refuseOnce(dynamo, refuse);
        },
        { routes: TWO_ROUTES, withPending: true },
      );
      return { deps, faults: faults as ReturnType<typeof installDynamoFaults> };
    }

    function message(key: string): SQSRecord {
      return buildSqsRecord(buildS3Notification([buildS3Record({ key, bucket: 'two-bucket' })]));
    }

    function redelivered(record: SQSRecord): SQSRecord {
      return { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } };
    }

    /** How many invalidations of a distribution name the path. */
    function issuedFor(distributionId: string, path: string): number {
      return world.emulator.invalidations(distributionId).filter((invalidation) => invalidation.paths.includes(path))
        .length;
    }

    /**
     * The first batch: the failing distribution's writes are refused, so its group fails and the message
     * comes back; then SQS brings it back beside a new one, everything goes through, and the scheduled drain
     * runs. Returns the first batch's results.
     */
    async function failThenRetry(refuse: CommandTest) {
      const first = message(KEY);
      const results = await collectBatch([first], twoDistributionDeps(NOW, refuse).deps);
      const { deps, faults } = twoDistributionDeps(NOW + 60_000);
      faults.refuseWritesNaming(null);
      const retried = await collectBatch([redelivered(first), message('w3/k0.html')], deps);
      await drainPending(deps);
      return { results, retried, deps };
    }

    it('is issued once on the one that succeeded when recording its issue is refused (regression)', async () => {
      // Prepare: DynamoDB refuses markIssued after CloudFront created the invalidation.

      // Act
      const { results, retried } = await failThenRetry(MARK_ISSUED);
      const sweep = await sweepReservations(sweepDeps(NOW + 60_000 + STALE_MS + 1));

      // Assess: once on each distribution (on the code before: twice on KEPT, the change sent back to the
      // pending set after the create and drained again under another unit), and counted as CloudFront holds it.
      expect(results.map((result) => result.status)).toEqual(['rejected']);
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(issuedFor(KEPT, `/${KEY}`)).toBe(1);
      expect(issuedFor(FAILING, `/${KEY}`)).toBe(1);
      expect(sweep).toMatchObject({ issued: 1, released: 0 });
      const items = await readMonth(world.dynamo, world.tableName, MONTH);
      expect(counted(items, `DIST#${KEPT}`)).toBe(2);
      expect(entryOf(items).map((item) => item.status)).toEqual(['issued', 'issued', 'issued']);
    });

    it('is issued once on the one that succeeded when its drain lease cannot be given back (regression)', async () => {
      // Prepare: DynamoDB refuses the release of KEPT's drain lease after its invalidation went out.
      const releaseLease = (command: string, input: Record<string, unknown>) =>
        command === 'DeleteItemCommand' && JSON.stringify(input.Key).includes(`PENDING#${KEPT}`);

      // Act
      const { results, retried } = await failThenRetry(releaseLease);

      // Assess: on the code before, the lease failure failed KEPT's group after its create, so no progress
      // was recorded for it, and the regrouped retry planned it again under a new unit.
      expect(results.map((result) => result.status)).toEqual(['rejected']);
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(issuedFor(KEPT, `/${KEY}`)).toBe(1);
      expect(issuedFor(FAILING, `/${KEY}`)).toBe(1);
      const all = [...world.emulator.invalidations(KEPT), ...world.emulator.invalidations(FAILING)];
      expect(counted(await readMonth(world.dynamo, world.tableName, MONTH))).toBe(
        all.reduce((sum, invalidation) => sum + invalidation.paths.length, 0),
      );
    });

    it('skips the one that succeeded when the invocation dies while the other is still at work (regression)', async () => {
      // Prepare: the failing distribution's first write hangs (its invocation will time out there).
      let hang: (() => void) | undefined;
      const hung = new Promise<void>((resolve) => {
        hang = resolve;
      });
      const deps = depsOver(
        NOW,
        (dynamo) =>
          dynamo.middlewareStack.add(
            (next) => async (args) => {
              if (JSON.stringify(args.input).includes(`PENDING#${FAILING}`)) {
                await hung;
                throw new Error('the invocation timed out');
              }
              return next(args);
            },
            { step: 'finalizeRequest', priority: 'low', name: 'hangForTests' },
          ),
        { routes: TWO_ROUTES, withPending: true },
      );
      const first = message(KEY);
      const dying = collectBatch([first], deps);
      const progress = DynamoDBDocumentClient.from(world.dynamo);
      const recorded = async () =>
        (
          await progress.send(
            new GetCommand({
              TableName: world.tableName,
              Key: { pk: PROGRESS_KEYS.pk(KEPT), sk: PROGRESS_KEYS.sk(first.messageId) },
              ConsistentRead: true,
            }),
          )
        ).Item !== undefined;
      // A liveness bound, not a timing check: KEPT's group is done long before it.
      for (let waited = 0; waited < 10_000 && !(issuedFor(KEPT, `/${KEY}`) === 1 && (await recorded())); waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // Act: SQS brings the message back while the dead invocation never finishes its batch.
      const retry = twoDistributionDeps(NOW + 60_000);
      retry.faults.refuseWritesNaming(null);
      const retried = await collectBatch([redelivered(first), message('w3/k0.html')], retry.deps);
      hang?.();
      await dying;

      // Assess: on the code before, progress was recorded only after every group of the batch had ended.
      expect(retried.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(issuedFor(KEPT, `/${KEY}`)).toBe(1);
      expect(issuedFor(FAILING, `/${KEY}`)).toBe(1);
    });
  });
});

describe('the caching edge', () => {
  let s3: S3Client;
  let bucket: string;
  let edge: CachingEdge | undefined;

  beforeAll(async () => {
    s3 = createS3Client();
    bucket = uniqueName('edge');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/guide/index.html', Body: 'guide v1' }));
  });

  afterAll(async () => {
    await edge?.stop();
    s3.destroy();
  });

  it('serves a directory without its slash from its index document when the route says so (regression)', async () => {
    // Prepare: routes with indexNoSlash invalidate `/docs/guide` too, so the edge must serve it.
    edge = await startCachingEdge({
      origin: { distributionId: SITE, bucket, originPath: '', indexDocument: 'index.html', indexNoSlash: true },
      s3,
      invalidations: () => [],
    });

    // Act
    const response = await fetch(`${edge.endpoint}/docs/guide`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('guide v1');
  });
});
