import { ConfigError } from './config-errors.ts';
import { DEFAULT_MAX_STALENESS_SECONDS } from './domain/pending-policy.ts';
import { MAX_STALENESS_LIMIT_SECONDS } from './domain/route-config.ts';
import {
  DEFAULT_DEPLOY_SCHEDULE,
  DEFAULT_WATCH_SCHEDULE,
  parseCheckDelays,
  type WatchSchedule,
} from './domain/watch-policy.ts';

/** How much the watcher tells the SNS topic. */
export const NOTIFY_MODE = { all: 'all', failures: 'failures', off: 'off' } as const;
export type NotifyMode = (typeof NOTIFY_MODE)[keyof typeof NOTIFY_MODE];

/** The service's configuration, read once from the Lambda environment. */
export interface ServiceConfig {
  readonly stage: string;
  readonly tableName: string;
  /**
   * The account table every stage of the account shares: the account-wide counter the budget reads and
   * the hard cap checks, plus the paths of outside invalidations. Unset: this stage counts alone.
   */
  readonly accountTableName: string | undefined;
  /** Least time between two reconciliations of outside invalidations of one container (with an account table). */
  readonly outsideReconcileSeconds: number;
  /** Route definitions as JSON (validated by `compileRoutes` where routes are used). */
  readonly routes: unknown;
  readonly monthlyPathBudget: number;
  readonly maxPathsPerInvalidation: number;
  readonly hardMonthlyCap: number | undefined;
  readonly wildcardSafetyMargin: number;
  readonly queueUrl: string | undefined;
  readonly watchQueueUrl: string | undefined;
  readonly topicArn: string | undefined;
  readonly ledgerRetentionDays: number;
  readonly backoffBaseSeconds: number;
  readonly backoffMaxSeconds: number;
  readonly inventoryMaxRequests: number;
  readonly inventoryCacheSeconds: number;
  readonly inFlightCacheSeconds: number;
  /** Reservations untouched this long are settled by the sweeper; at least the collector's timeout. */
  readonly staleReservationSeconds: number;
  /** Least time between two reservation sweeps of one container. */
  readonly sweepIntervalSeconds: number;
  /**
   * The stage's freshness SLO: the longest a change may be held in the pending set to coalesce (default
   * 0: never), for routes without a `maxStalenessSeconds` of their own.
   */
  readonly maxStalenessSeconds: number;
  /** This function's timeout: how long its lease on a unit of work protects it (it cannot run longer). */
  readonly functionTimeoutSeconds: number;
  readonly notify: NotifyMode;
  readonly watchMaxWaitSeconds: number;
  /** Spacing of invalidation checks (`WATCH_CHECK_DELAYS`), bounded by `watchMaxWaitSeconds`. */
  readonly watchSchedule: WatchSchedule;
  /** Spacing of deployment checks (`DEPLOY_CHECK_DELAYS`), bounded by `watchMaxWaitSeconds`. */
  readonly deploySchedule: WatchSchedule;
  /** Distributions the watcher follows from CloudTrail events (`WATCHED_DISTRIBUTIONS`); `'*'` for all. */
  readonly watchedDistributions: readonly string[] | '*';
  /** Distributions the pipeline action may serve without a route (`PIPELINE_DISTRIBUTIONS`). */
  readonly pipelineDistributions: readonly string[];
  /** Path-style S3 requests (local endpoints); false in AWS. */
  readonly s3ForcePathStyle: boolean;
}

/** Every variable, its default and meaning, for docs/configuration.md and error messages. */
export const ENV = {
  STAGE: 'STAGE',
  TABLE_NAME: 'TABLE_NAME',
  ACCOUNT_TABLE_NAME: 'ACCOUNT_TABLE_NAME',
  OUTSIDE_RECONCILE_SECONDS: 'OUTSIDE_RECONCILE_SECONDS',
  ROUTES: 'ROUTES',
  MONTHLY_PATH_BUDGET: 'MONTHLY_PATH_BUDGET',
  MAX_PATHS_PER_INVALIDATION: 'MAX_PATHS_PER_INVALIDATION',
  HARD_MONTHLY_CAP: 'HARD_MONTHLY_CAP',
  WILDCARD_SAFETY_MARGIN: 'WILDCARD_SAFETY_MARGIN',
  QUEUE_URL: 'QUEUE_URL',
  WATCH_QUEUE_URL: 'WATCH_QUEUE_URL',
  TOPIC_ARN: 'TOPIC_ARN',
  LEDGER_RETENTION_DAYS: 'LEDGER_RETENTION_DAYS',
  BACKOFF_BASE_SECONDS: 'BACKOFF_BASE_SECONDS',
  BACKOFF_MAX_SECONDS: 'BACKOFF_MAX_SECONDS',
  INVENTORY_MAX_REQUESTS: 'INVENTORY_MAX_REQUESTS',
  INVENTORY_CACHE_SECONDS: 'INVENTORY_CACHE_SECONDS',
  IN_FLIGHT_CACHE_SECONDS: 'IN_FLIGHT_CACHE_SECONDS',
  STALE_RESERVATION_SECONDS: 'STALE_RESERVATION_SECONDS',
  SWEEP_INTERVAL_SECONDS: 'SWEEP_INTERVAL_SECONDS',
  MAX_STALENESS_SECONDS: 'MAX_STALENESS_SECONDS',
  FUNCTION_TIMEOUT_SECONDS: 'FUNCTION_TIMEOUT_SECONDS',
  NOTIFY: 'NOTIFY',
  WATCH_MAX_WAIT_SECONDS: 'WATCH_MAX_WAIT_SECONDS',
  WATCH_CHECK_DELAYS: 'WATCH_CHECK_DELAYS',
  DEPLOY_CHECK_DELAYS: 'DEPLOY_CHECK_DELAYS',
  WATCHED_DISTRIBUTIONS: 'WATCHED_DISTRIBUTIONS',
  PIPELINE_DISTRIBUTIONS: 'PIPELINE_DISTRIBUTIONS',
  S3_FORCE_PATH_STYLE: 'S3_FORCE_PATH_STYLE',
  /** The notifications function's scheduled check: what each existing bucket should hold (JSON). */
  NOTIFICATION_CHECKS: 'NOTIFICATION_CHECKS',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the configuration from an environment (default `process.env`).
 *
 * @throws ConfigError naming the variable, e.g. `MONTHLY_PATH_BUDGET: expected a whole number >= 0, got "lots"`
 */
export function readConfig(env: Env = process.env): ServiceConfig {
  const routesText = optional(env, ENV.ROUTES) ?? '[]';
  let routes: unknown;
  try {
    routes = JSON.parse(routesText);
  } catch {
    throw new ConfigError(`${ENV.ROUTES}: expected a JSON array of routes, got text that is not JSON`);
  }
  const watchMaxWaitSeconds = integer(env, ENV.WATCH_MAX_WAIT_SECONDS, 3600, 60);
  const config: ServiceConfig = {
    stage: optional(env, ENV.STAGE) ?? 'dev',
    tableName: optional(env, ENV.TABLE_NAME) ?? '',
    routes,
    monthlyPathBudget: integer(env, ENV.MONTHLY_PATH_BUDGET, 1000, 0),
    maxPathsPerInvalidation: integer(env, ENV.MAX_PATHS_PER_INVALIDATION, 500, 1, 3000),
    hardMonthlyCap:
      optional(env, ENV.HARD_MONTHLY_CAP) === undefined ? undefined : integer(env, ENV.HARD_MONTHLY_CAP, 0, 1),
    wildcardSafetyMargin: integer(env, ENV.WILDCARD_SAFETY_MARGIN, 2, 0, 14),
    queueUrl: optional(env, ENV.QUEUE_URL),
    watchQueueUrl: optional(env, ENV.WATCH_QUEUE_URL),
    topicArn: optional(env, ENV.TOPIC_ARN),
    ledgerRetentionDays: integer(env, ENV.LEDGER_RETENTION_DAYS, 400, 1),
    backoffBaseSeconds: integer(env, ENV.BACKOFF_BASE_SECONDS, 30, 1, 43_200),
    backoffMaxSeconds: integer(env, ENV.BACKOFF_MAX_SECONDS, 900, 1, 43_200),
    inventoryMaxRequests: integer(env, ENV.INVENTORY_MAX_REQUESTS, 20, 1, 10_000),
    inventoryCacheSeconds: integer(env, ENV.INVENTORY_CACHE_SECONDS, 60, 0),
    inFlightCacheSeconds: integer(env, ENV.IN_FLIGHT_CACHE_SECONDS, 10, 0),
    // 900 s is Lambda's longest timeout, so no invocation can still be issuing a reservation that old.
    staleReservationSeconds: integer(env, ENV.STALE_RESERVATION_SECONDS, 900, 1),
    sweepIntervalSeconds: integer(env, ENV.SWEEP_INTERVAL_SECONDS, 300, 1),
    accountTableName: optional(env, ENV.ACCOUNT_TABLE_NAME),
    functionTimeoutSeconds: integer(env, ENV.FUNCTION_TIMEOUT_SECONDS, 900, 1, 900),
    outsideReconcileSeconds: integer(env, ENV.OUTSIDE_RECONCILE_SECONDS, 300, 1),
    maxStalenessSeconds: integer(
      env,
      ENV.MAX_STALENESS_SECONDS,
      DEFAULT_MAX_STALENESS_SECONDS,
      0,
      MAX_STALENESS_LIMIT_SECONDS,
    ),
    notify: oneOf(env, ENV.NOTIFY, Object.values(NOTIFY_MODE), NOTIFY_MODE.all),
    watchMaxWaitSeconds,
    watchSchedule: {
      delaysSeconds: delays(env, ENV.WATCH_CHECK_DELAYS, DEFAULT_WATCH_SCHEDULE.delaysSeconds),
      maxWaitSeconds: watchMaxWaitSeconds,
    },
    deploySchedule: {
      delaysSeconds: delays(env, ENV.DEPLOY_CHECK_DELAYS, DEFAULT_DEPLOY_SCHEDULE.delaysSeconds),
      maxWaitSeconds: watchMaxWaitSeconds,
    },
    watchedDistributions:
      optional(env, ENV.WATCHED_DISTRIBUTIONS) === '*' ? '*' : distributionIds(env, ENV.WATCHED_DISTRIBUTIONS, '*'),
    pipelineDistributions: distributionIds(env, ENV.PIPELINE_DISTRIBUTIONS, []),
    s3ForcePathStyle: oneOf(env, ENV.S3_FORCE_PATH_STYLE, ['true', 'false'], 'false') === 'true',
  };
  return Object.freeze(config);
}

let loaded: ServiceConfig | undefined;

/** The process's configuration, read and validated on first use, then reused. */
export function loadConfig(): ServiceConfig {
  loaded ??= readConfig();
  return loaded;
}

/**
 * A required string setting.
 *
 * @throws ConfigError when it is missing or empty
 */
export function requireSetting(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new ConfigError(`${name}: expected a value, got nothing`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, got "${text.slice(0, 40)}"`);
  }
  return value;
}

function delays(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const parsed = parseCheckDelays(text);
  if ('problem' in parsed) throw new ConfigError(`${name}: expected ${parsed.problem}, got "${text.slice(0, 40)}"`);
  return parsed;
}

function distributionIds<T>(env: Env, name: string, fallback: T): readonly string[] | T {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const ids = text.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !/^E[A-Z0-9]{6,20}$/.test(id));
  if (bad !== undefined) {
    throw new ConfigError(
      `${name}: expected comma-separated distribution ids such as E2QWRUHAPOMQZL, got "${bad.slice(0, 40)}"`,
    );
  }
  return ids;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new ConfigError(`${name}: expected one of ${allowed.join(', ')}, got "${text.slice(0, 40)}"`);
  }
  return text as T;
}
