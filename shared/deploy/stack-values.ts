import { ENV } from '../config.ts';
import { AUTO_DISTRIBUTION } from '../domain/route-config.ts';
import { notificationIdPrefix, notificationPrefixes } from './bucket-notifications.ts';
import { bucketArn, bucketResources } from './bucket-resources.ts';
import { eventRulePattern } from './event-rule.ts';
import { DELIVERY_MODE, type StageParams } from './stage-params.ts';

/** A CloudFormation value: a literal or an intrinsic function object. */
export type CfnValue = string | number | boolean | { readonly [fn: string]: unknown };

/** The watcher's timeout: one GetInvalidation and a ledger update per message. */
export const WATCHER_TIMEOUT_SECONDS = 30;

/** The Lambda environment that follows from stage params, keyed by the names in `ENV`. */
export type ParamEnvironment = Readonly<Record<(typeof PARAM_ENV_NAMES)[number], string>>;

const PARAM_ENV_NAMES = [
  ENV.ROUTES,
  ENV.MONTHLY_PATH_BUDGET,
  ENV.MAX_PATHS_PER_INVALIDATION,
  ENV.HARD_MONTHLY_CAP,
  ENV.WILDCARD_SAFETY_MARGIN,
  ENV.MAX_STALENESS_SECONDS,
  ENV.LEDGER_RETENTION_DAYS,
  ENV.BACKOFF_BASE_SECONDS,
  ENV.BACKOFF_MAX_SECONDS,
  ENV.INVENTORY_MAX_REQUESTS,
  ENV.INVENTORY_CACHE_SECONDS,
  ENV.IN_FLIGHT_CACHE_SECONDS,
  ENV.NOTIFY,
  ENV.WATCH_MAX_WAIT_SECONDS,
  ENV.ACCOUNT_TABLE_NAME,
  ENV.WATCH_CHECK_DELAYS,
  ENV.DEPLOY_CHECK_DELAYS,
  ENV.WATCHED_DISTRIBUTIONS,
  ENV.PIPELINE_DISTRIBUTIONS,
] as const;

/** What serverless.yml reads from `${self:custom.derived...}`: values that follow from the stage params. */
export interface StackValues {
  /** The validated params (unset optional ones left out, routes only as `routesJson`). */
  readonly params: Readonly<Partial<Omit<StageParams, 'routes'>>>;
  readonly env: ParamEnvironment;
  readonly queueVisibilityTimeoutSeconds: number;
  readonly watcherTimeoutSeconds: number;
  readonly watchVisibilityTimeoutSeconds: number;
  /** The BudgetLeft metric value at or below which the budget alarm fires. */
  readonly budgetAlarmThreshold: number;
  /** `'true'`/`'false'` texts for the template's `Fn::Equals` conditions. */
  readonly conditions: Readonly<Record<ConditionName, 'true' | 'false'>>;
  /** Distributions the collector and the report may use: the routes', or all of the account's with `"auto"`. */
  readonly distributionArns: readonly CfnValue[];
  /**
   * Distributions the pipeline action and the watcher may use: the routes' and the pipeline-only ones
   * (`pipelineDistributions`), or all of the account's with `"auto"`.
   */
  readonly namedDistributionArns: readonly CfnValue[];
  readonly inventoryBucketArns: readonly CfnValue[];
  /** Every route bucket: the queue policy's aws:SourceArn values. */
  readonly sourceBucketArns: readonly CfnValue[];
  /**
   * Created buckets (with their notifications) and, per existing bucket, a notifications custom
   * resource plus the IAM policy that lets the custom resource's function touch that bucket only.
   */
  readonly bucketResources: { readonly Resources: Readonly<Record<string, unknown>> };
  /** The EventPattern of the stage's EventBridge rule (used with `delivery: eventbridge`). */
  readonly eventPattern: Readonly<Record<string, unknown>>;
  /** NOTIFICATION_CHECKS of the notifications function: what each existing bucket should hold (`Fn::Sub` JSON). */
  readonly notificationChecks: CfnValue;
}

type ConditionName =
  | 'usesAutoDistribution'
  | 'hasInventory'
  | 'hasAlarmEmail'
  | 'tracing'
  | 'usesAccountTable'
  | 'eventBridgeDelivery';

/**
 * The Lambda environment texts that follow from stage params (everything but names and URLs of
 * stack resources). serverless.yml and the local stack both use it, so they cannot drift apart.
 */
export function paramEnvironment(params: StageParams): ParamEnvironment {
  return {
    ROUTES: params.routesJson,
    MONTHLY_PATH_BUDGET: String(params.monthlyPathBudget),
    MAX_PATHS_PER_INVALIDATION: String(params.maxPathsPerInvalidation),
    HARD_MONTHLY_CAP: params.hardMonthlyCap === undefined ? '' : String(params.hardMonthlyCap),
    WILDCARD_SAFETY_MARGIN: String(params.wildcardSafetyMargin),
    MAX_STALENESS_SECONDS: String(params.maxStalenessSeconds),
    LEDGER_RETENTION_DAYS: String(params.ledgerRetentionDays),
    BACKOFF_BASE_SECONDS: String(params.backoffBaseSeconds),
    BACKOFF_MAX_SECONDS: String(params.backoffMaxSeconds),
    INVENTORY_MAX_REQUESTS: String(params.inventoryMaxRequests),
    INVENTORY_CACHE_SECONDS: String(params.inventoryCacheSeconds),
    IN_FLIGHT_CACHE_SECONDS: String(params.inFlightCacheSeconds),
    NOTIFY: params.notify,
    WATCH_MAX_WAIT_SECONDS: String(params.watchMaxWaitSeconds),
    ACCOUNT_TABLE_NAME: params.accountTable ?? '',
    WATCH_CHECK_DELAYS: params.watchCheckDelays,
    DEPLOY_CHECK_DELAYS: params.deployCheckDelays,
    WATCHED_DISTRIBUTIONS: usesAutoDistribution(params) ? '*' : namedDistributionIds(params).join(','),
    PIPELINE_DISTRIBUTIONS: params.pipelineDistributions.join(','),
  };
}

/** Route distributions and pipeline-only ones: what IAM names and the watcher follows. */
function namedDistributionIds(params: StageParams): string[] {
  return unique([...params.routes.map((route) => route.distributionId), ...params.pipelineDistributions]);
}

function usesAutoDistribution(params: StageParams): boolean {
  return params.routes.some((route) => route.distributionId === AUTO_DISTRIBUTION);
}

/**
 * Derives the stack's parameter-dependent values: ARN lists for IAM and the queue policy, condition
 * flags, and the per-bucket resources (a CloudFormation template cannot loop over a list).
 *
 * @param params - from `parseStageParams`
 * @param service - serverless.yml `service` (part of the notification Id prefix)
 * @throws StageParamsError when two bucket names map to the same logical id
 */
export function deriveStackValues(params: StageParams, service: string): StackValues {
  const usesAuto = usesAutoDistribution(params);
  const inventoryBuckets = unique(params.routes.filter((route) => route.inventory).map((route) => route.bucket));
  const allBuckets = unique(params.routes.map((route) => route.bucket));
  const { routes: _routes, ...rest } = params;
  return {
    params: Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    env: paramEnvironment(params),
    queueVisibilityTimeoutSeconds: params.queueVisibilityTimeoutSeconds,
    watcherTimeoutSeconds: WATCHER_TIMEOUT_SECONDS,
    watchVisibilityTimeoutSeconds: 6 * WATCHER_TIMEOUT_SECONDS,
    budgetAlarmThreshold: Math.floor((params.monthlyPathBudget * (100 - params.budgetAlarmPercent)) / 100),
    conditions: {
      usesAutoDistribution: flag(usesAuto),
      hasInventory: flag(inventoryBuckets.length > 0),
      hasAlarmEmail: flag(params.alarmEmail !== undefined),
      tracing: flag(params.tracing),
      usesAccountTable: flag(params.accountTable !== undefined),
      eventBridgeDelivery: flag(params.delivery === DELIVERY_MODE.eventbridge),
    },
    distributionArns: usesAuto
      ? [distributionArn('*')]
      : unique(params.routes.map((route) => route.distributionId)).map(distributionArn),
    namedDistributionArns: usesAuto ? [distributionArn('*')] : namedDistributionIds(params).map(distributionArn),
    inventoryBucketArns: inventoryBuckets.map(bucketArn),
    sourceBucketArns: allBuckets.map(bucketArn),
    bucketResources: { Resources: bucketResources(params, service) },
    eventPattern: eventRulePattern(params.routes),
    notificationChecks: { 'Fn::Sub': JSON.stringify(notificationChecks(params, service)) },
  };
}

// The queue's ARN is known at deploy time only: `Fn::Sub` fills it into the JSON text.
function notificationChecks(params: StageParams, service: string): unknown[] {
  return params.existingBuckets.map((bucket) => ({
    bucket,
    idPrefix: notificationIdPrefix(service, params.stage),
    queueArn: `\${ChangeQueue.Arn}`,
    prefixes: notificationPrefixes(params.routes, bucket),
    delivery: params.delivery,
  }));
}

function distributionArn(id: string): CfnValue {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/${id}` };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function flag(value: boolean): 'true' | 'false' {
  return value ? 'true' : 'false';
}
