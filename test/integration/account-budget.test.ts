import { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CloudFrontReconciler } from '../../shared/adapters/cloudfront-reconciler.ts';
import { DynamoAccountLedger } from '../../shared/adapters/dynamodb-account-ledger.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoReportReader } from '../../shared/adapters/dynamodb-report-reader.ts';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { reconcileOutside } from '../../shared/app/reconcile-outside.ts';
import { monthBounds } from '../../shared/domain/month.ts';
import { buildMonthlyReport } from '../../shared/domain/report/index.ts';
import { buildCollectorDeps, captureLog, createLedgerTable } from '../helpers/collector.ts';
import { useCollectorWorld } from '../helpers/collector-world.ts';
import { buildSqsBatch } from '../helpers/events.ts';

const SITE_A = 'E1SITE0000000A';
const SITE_B = 'E2SITE0000000B';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const MONTH = '2026-11';
const CAP = 10;

function origin(bucket: string) {
  return [{ id: bucket, domainName: `${bucket}.s3.us-east-1.amazonaws.com` }];
}

/** Keys in distinct folders, so each becomes one exact path. */
function keysIn(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${name}-${i}/page.html`);
}

/**
 * The free tier is per AWS account: two stages of one account, each with its own table, share an
 * account table, and a console invalidation made straight on the emulator joins the account total
 * before the budget decides (issue #14).
 */
describe('the account-wide budget', () => {
  const world = useCollectorWorld({
    distributions: [
      { id: SITE_A, origins: origin('bucket-a') },
      { id: SITE_B, origins: origin('bucket-b') },
    ],
    now: () => NOW,
  });

  const received = () =>
    world.emulator.invalidations().reduce((sum, invalidation) => sum + invalidation.paths.length, 0);

  it('lets the budget and the hard cap of every stage see all paths of the account', async () => {
    // Prepare: stage A and stage B, each with its own table, and one account table.
    const [tableA, tableB, accountTable] = await Promise.all([
      createLedgerTable(world.dynamo),
      createLedgerTable(world.dynamo),
      createLedgerTable(world.dynamo),
    ]);
    const stage = (tableName: string, bucket: string, distributionId: string) =>
      buildCollectorDeps({
        dynamo: world.dynamo,
        tableName,
        accountTableName: accountTable,
        cloudFront: world.cloudFront,
        routes: [{ bucket, distributionId }],
        policy: { hardMonthlyCap: CAP },
        now: () => NOW,
      });
    const account = new DynamoAccountLedger(DynamoDBDocumentClient.from(world.dynamo), {
      accountTableName: accountTable,
      retentionDays: 30,
      now: () => NOW,
    });

    // Act: A issues 3 paths, someone invalidates 4 in the console, the reconciler runs, B issues 2;
    // then A changes 3 more objects with 1 path left under the cap of 10, and then 1 more.
    await collectBatch(buildSqsBatch({ bucket: 'bucket-a', keys: keysIn('a', 3) }), stage(tableA, 'bucket-a', SITE_A));
    await world.cloudFront.send(
      new CreateInvalidationCommand({
        DistributionId: SITE_B,
        InvalidationBatch: { CallerReference: 'console-1', Paths: { Quantity: 4, Items: ['/x', '/y', '/z', '/w'] } },
      }),
    );
    const reconciled = await reconcileOutside({
      account,
      source: new CloudFrontReconciler(world.cloudFront),
      log: captureLog(),
      now: () => NOW,
    });
    const again = await reconcileOutside({
      account,
      source: new CloudFrontReconciler(world.cloudFront),
      log: captureLog(),
      now: () => NOW,
    });
    await collectBatch(buildSqsBatch({ bucket: 'bucket-b', keys: keysIn('b', 2) }), stage(tableB, 'bucket-b', SITE_B));
    const lastPath = await collectBatch(
      buildSqsBatch({ bucket: 'bucket-a', keys: keysIn('late', 3) }),
      stage(tableA, 'bucket-a', SITE_A),
    );
    const overCap = await collectBatch(
      buildSqsBatch({ bucket: 'bucket-a', keys: ['over.html'] }),
      stage(tableA, 'bucket-a', SITE_A),
    );

    // Assess
    const ledger = (tableName: string) =>
      new DynamoLedger(DynamoDBDocumentClient.from(world.dynamo), {
        tableName,
        retentionDays: 30,
        accountTableName: accountTable,
      });
    expect(reconciled).toEqual({ outsideInvalidations: 1, outsidePaths: 4 });
    expect(again).toEqual({ outsideInvalidations: 0, outsidePaths: 0 });
    expect(lastPath.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(overCap.map((result) => result.status)).toEqual(['rejected']);
    expect(received()).toBe(CAP);
    expect((await ledger(tableA).usage(MONTH)).paths).toBe(CAP);
    expect((await ledger(tableB).usage(MONTH)).paths).toBe(CAP);
    expect(await account.accountUsage(MONTH)).toEqual({ paths: CAP, outsidePaths: 4, outsideInvalidations: 1 });

    // The report of stage A: its own paths, everything else outside, together what CloudFront received.
    const partition = await new DynamoReportReader(DynamoDBDocumentClient.from(world.dynamo), {
      tableName: tableA,
    }).readMonth(MONTH);
    const listed = await new CloudFrontReconciler(world.cloudFront).listMonth(monthBounds(MONTH), {
      ledger: partition.ledger,
    });
    const report = buildMonthlyReport({
      month: MONTH,
      now: NOW,
      ...partition,
      reconciliation: { kind: 'done', ...listed },
    });
    expect([report.totals.paths, report.totals.outsidePaths]).toEqual([4, 6]);
    expect(report.freeTier.used).toBe(received());
  });
});
