import type { LocalStageSettings } from '../../shared/local/stack.ts';

/**
 * The fault stack's buckets: `site` feeds two distributions, `docs` one (through a key prefix), `two`
 * two distributions with the same route (every message feeds both: the two-distribution runs).
 */
export const SITES = { site: 'rel-site', docs: 'rel-docs', two: 'rel-two' } as const;

/** Distribution ids: all of `site`, `site` under origin path `/prod`, `docs/` of `docs`, and `two` twice. */
export const DIST = {
  site: 'E1RELSITE00001',
  prod: 'E2RELPROD00001',
  docs: 'E3RELDOCS00001',
  twoKept: 'E4RELTWOA0001',
  twoFailing: 'E5RELTWOB0001',
} as const;
export const DISTRIBUTIONS: readonly string[] = Object.values(DIST);

/** Budget policy of the fault stack: a small budget and a hard cap, so pacing and the cap both bite. */
export const FAULT_STACK_POLICY = {
  monthlyPathBudget: 300,
  hardMonthlyCap: 2_000,
  maxPathsPerInvalidation: 40,
  /**
   * Reservations untouched this long are swept. Lambda ends an invocation at its timeout; the local
   * poller does not, so this stays well above the slowest local invocation on a loaded machine.
   */
  staleReservationSeconds: 20,
} as const;

/** Milliseconds the CloudFront emulator takes to complete an invalidation in the fault stack. */
export const COMPLETION_DELAY_MS = 200;

/** Routes as the deployed ROUTES variable holds them. */
export const FAULT_ROUTES: readonly Record<string, unknown>[] = [
  { bucket: SITES.site, distributionId: DIST.site, inventory: true },
  { bucket: SITES.site, distributionId: DIST.prod, originPath: '/prod' },
  {
    bucket: SITES.docs,
    prefix: 'docs/',
    distributionId: DIST.docs,
    indexNoSlash: true,
    exclude: ['**/*.immutable.*'],
  },
  { bucket: SITES.two, distributionId: DIST.twoKept },
  { bucket: SITES.two, distributionId: DIST.twoFailing },
];

/**
 * Stage settings of the fault stack: short windows, visibility (6 x 2 s) and backoff (1..2 s), small
 * batches and three concurrent invocations, so a run takes seconds and pollers race. The local poller
 * never ends a slow invocation (Lambda would, at its timeout): on a loaded machine an invocation can
 * outlast a 6 s visibility and its messages come back while it runs, so the timeout is 2 s, not 1.
 */
export function buildFaultStackSettings(): LocalStageSettings {
  return {
    stage: 'faults',
    routes: FAULT_ROUTES,
    batchSize: 20,
    batchWindowSeconds: 1,
    maxReceiveCount: 5,
    collectorTimeoutSeconds: 2,
    maximumConcurrency: 3,
    environment: {
      MONTHLY_PATH_BUDGET: String(FAULT_STACK_POLICY.monthlyPathBudget),
      HARD_MONTHLY_CAP: String(FAULT_STACK_POLICY.hardMonthlyCap),
      MAX_PATHS_PER_INVALIDATION: String(FAULT_STACK_POLICY.maxPathsPerInvalidation),
      BACKOFF_BASE_SECONDS: '1',
      BACKOFF_MAX_SECONDS: '2',
      IN_FLIGHT_CACHE_SECONDS: '1',
      INVENTORY_CACHE_SECONDS: '1',
      STALE_RESERVATION_SECONDS: String(FAULT_STACK_POLICY.staleReservationSeconds),
      SWEEP_INTERVAL_SECONDS: '1',
    },
  };
}
