import type {
  CloudFrontInvalidationRecord,
  LedgerItemSummary,
  MonthlyReportInput,
  PathCounters,
} from '../../shared/domain/report/index.ts';

/** Counters with every field zero unless given. */
export function buildCounters(overrides: Partial<PathCounters> = {}): PathCounters {
  return { paths: 0, exactPaths: 0, wildcardPaths: 0, invalidations: 0, changedObjects: 0, ...overrides };
}

/** A completed ledger item of `pathCount` paths on `distributionId`. */
export function buildLedgerItem(overrides: Partial<LedgerItemSummary> = {}): LedgerItemSummary {
  const unitKey = overrides.unitKey ?? `unit${Math.random().toString(16).slice(2, 10)}`;
  return {
    unitKey,
    distributionId: 'E1SITE0000000A',
    status: 'completed',
    pathCount: 1,
    callerReference: `inv-${unitKey}`,
    invalidationId: `I${unitKey.toUpperCase()}`,
    reservedAt: Date.parse('2026-10-05T10:00:00Z'),
    latencyMs: null,
    ...overrides,
  };
}

/** An invalidation CloudFront holds, with its details fetched. */
export function buildCloudFrontRecord(
  overrides: Partial<CloudFrontInvalidationRecord> = {},
): CloudFrontInvalidationRecord {
  return {
    distributionId: 'E1SITE0000000A',
    invalidationId: 'IOUTSIDE000001',
    createTime: Date.parse('2026-10-12T09:30:00Z'),
    status: 'Completed',
    callerReference: 'cli-1760261400',
    paths: ['/*'],
    ...overrides,
  };
}

/** An empty month: no counters, no ledger items. */
export function buildEmptyInput(overrides: Partial<MonthlyReportInput> = {}): MonthlyReportInput {
  return {
    month: '2026-10',
    now: Date.parse('2026-11-21T12:00:00Z'),
    total: buildCounters(),
    distributions: [],
    days: [],
    ledger: [],
    ...overrides,
  };
}

/** Paths per day of the sample month (October 2026): 7 days with paths, 1,240 in all. */
export const SAMPLE_DAILY_PATHS: Readonly<Record<number, number>> = {
  2: 120,
  5: 300,
  9: 80,
  14: 260,
  20: 190,
  27: 210,
  30: 80,
};

/**
 * A past month with two distributions, known daily paths (1,240 in all, so 240 paths are billed),
 * latencies on three completed items and one released item.
 */
export function buildSampleInput(overrides: Partial<MonthlyReportInput> = {}): MonthlyReportInput {
  const site = buildCounters({
    paths: 1000,
    exactPaths: 990,
    wildcardPaths: 10,
    invalidations: 5,
    changedObjects: 9000,
  });
  const docs = buildCounters({ paths: 240, exactPaths: 236, wildcardPaths: 4, invalidations: 2, changedObjects: 600 });
  const ledger = [
    buildLedgerItem({ unitKey: 'a1', pathCount: 400, latencyMs: 60_000 }),
    buildLedgerItem({ unitKey: 'a2', pathCount: 300, latencyMs: 90_000 }),
    buildLedgerItem({ unitKey: 'a3', pathCount: 100, status: 'issued' }),
    buildLedgerItem({ unitKey: 'a4', pathCount: 100, status: 'timed-out' }),
    buildLedgerItem({ unitKey: 'a5', pathCount: 100, latencyMs: 30_000 }),
    buildLedgerItem({ unitKey: 'a6', pathCount: 50, status: 'released' }),
    buildLedgerItem({ unitKey: 'b1', distributionId: 'E2DOCS0000000B', pathCount: 200 }),
    buildLedgerItem({ unitKey: 'b2', distributionId: 'E2DOCS0000000B', pathCount: 40 }),
  ];
  return buildEmptyInput({
    total: buildCounters({ paths: 1240, exactPaths: 1226, wildcardPaths: 14, invalidations: 7, changedObjects: 9600 }),
    distributions: [
      { distributionId: 'E2DOCS0000000B', counters: docs },
      { distributionId: 'E1SITE0000000A', counters: site },
    ],
    days: Object.entries(SAMPLE_DAILY_PATHS).map(([day, paths]) => ({
      day: Number(day),
      counters: buildCounters({ paths, exactPaths: paths, invalidations: 1, changedObjects: paths * 8 }),
    })),
    ledger,
    labels: { stage: 'prod', tableName: 'invalidator-prod-ledger' },
    ...overrides,
  });
}

/**
 * A busy current month: three distributions, hundreds of thousands of paths, a million changed
 * objects, latencies, and outside invalidations with long paths and an awkward CallerReference.
 */
export function buildBusyInput(): MonthlyReportInput {
  const ids = ['E1SITE0000000A', 'E2DOCS0000000B', 'E3ASSETS00000C'];
  const paths = [212_345, 31_000, 6_655];
  const objects = [1_104_321, 95_000, 800_679];
  const distributions = ids.map((distributionId, index) => ({
    distributionId,
    counters: buildCounters({
      paths: paths[index] ?? 0,
      exactPaths: (paths[index] ?? 0) - 100,
      wildcardPaths: 100,
      invalidations: 4_000 + index,
      changedObjects: objects[index] ?? 0,
    }),
  }));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const days = Array.from({ length: 20 }, (_, i) => ({
    day: i + 1,
    counters: buildCounters({ paths: i === 19 ? sum(paths) - 19 * 12_500 : 12_500, invalidations: 600 }),
  }));
  const ledger = ids.flatMap((distributionId, d) =>
    Array.from({ length: 40 }, (_, i) =>
      buildLedgerItem({ unitKey: `u${d}x${i}`, distributionId, pathCount: 0, latencyMs: 45_000 + i * 2_500 }),
    ),
  );
  return buildEmptyInput({
    month: '2026-11',
    now: Date.parse('2026-11-20T18:00:00Z'),
    total: buildCounters({
      paths: sum(paths),
      exactPaths: sum(paths) - 300,
      wildcardPaths: 300,
      invalidations: 12_003,
      changedObjects: sum(objects),
    }),
    distributions,
    days,
    ledger,
    reconciliation: {
      kind: 'done',
      distributionIds: ids,
      invalidations: [
        buildCloudFrontRecord({
          invalidationId: 'I2J0I21PCUYOIK',
          createTime: Date.parse('2026-11-03T08:15:00Z'),
          callerReference: 'console-2026-11-03, "hotfix"\nsecond line',
          paths: ['/*'],
        }),
        buildCloudFrontRecord({
          distributionId: 'E3ASSETS00000C',
          invalidationId: 'I3ABCDEFGHIJKL',
          createTime: Date.parse('2026-11-18T22:40:00Z'),
          callerReference: '=HYPERLINK("x")',
          paths: Array.from({ length: 30 }, (_, i) => `/static/js/chunk-${i}-a1b2c3d4e5f6.js`),
        }),
      ],
    },
    monthlyPathBudget: 5_000,
    labels: { stage: 'production-eu', tableName: 'invalidator-production-eu-ledger' },
  });
}

/** Savings counters of the sample month: new keys and listings on both distributions. */
export function buildSampleSavings(): NonNullable<MonthlyReportInput['savings']> {
  const site = {
    newKeys: 300,
    newKeyPathsAvoided: 250,
    listRequests: 1200,
    getRequests: 5,
    inventoryPlans: 4,
    inventoryPathsSaved: 900,
  };
  const docs = {
    newKeys: 20,
    newKeyPathsAvoided: 12,
    listRequests: 34,
    getRequests: 0,
    inventoryPlans: 2,
    inventoryPathsSaved: 60,
  };
  return {
    total: {
      newKeys: 320,
      newKeyPathsAvoided: 262,
      listRequests: 1234,
      getRequests: 5,
      inventoryPlans: 6,
      inventoryPathsSaved: 960,
    },
    distributions: [
      { distributionId: 'E2DOCS0000000B', counters: docs },
      { distributionId: 'E1SITE0000000A', counters: site },
    ],
  };
}
