import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { NOTIFY_MODE, type NotifyMode } from '../config.ts';
import { RouteConfigError } from '../domain/errors.ts';
import { MAX_STALENESS_LIMIT_SECONDS, parseRouteConfig, type RouteConfig } from '../domain/route-config.ts';
import { StageParamsError } from './errors.ts';
import {
  booleanParam,
  checkDelaysParam,
  fail,
  integerOneOf,
  integerParam,
  oneOfParam,
  optionalIntegerParam,
  optionalTextParam,
  textListParam,
  textParam,
} from './param-parsers.ts';

/** The repository's serverless.yml (the default for `readStageParams`). */
export const SERVERLESS_FILE = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

/** Lambda allows 4 KB of environment per function in all; ROUTES gets most of it. */
export const MAX_ROUTES_JSON_LENGTH = 3000;

/** SQS's longest visibility timeout (12 hours); 6 x 900 s + 300 s stays well below it. */
const MAX_VISIBILITY_SECONDS = 43_200;

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const STAGE_VARIABLE = `\${sls:stage}`;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * How S3 changes reach the change queue: bucket notifications merged into each bucket's configuration
 * (for buckets the stack owns), or EventBridge (the bucket sends every event to EventBridge, a rule of
 * this stage targets the queue: nothing of ours in a shared configuration). docs/deploy.md compares them.
 */
export const DELIVERY_MODE = { notifications: 'notifications', eventbridge: 'eventbridge' } as const;

/** One of `DELIVERY_MODE`'s values. */
export type DeliveryMode = (typeof DELIVERY_MODE)[keyof typeof DELIVERY_MODE];

const SPECS = {
  region: textParam(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region like us-east-1'),
  routes: (value: unknown) => value,
  createBuckets: textListParam(BUCKET, 'S3 bucket names'),
  monthlyPathBudget: integerParam(0),
  maxPathsPerInvalidation: integerParam(1, 3000),
  hardMonthlyCap: optionalIntegerParam(1),
  wildcardSafetyMargin: integerParam(0, 14),
  maxStalenessSeconds: integerParam(0, MAX_STALENESS_LIMIT_SECONDS),
  batchSize: integerParam(1, 10_000),
  batchWindowSeconds: integerParam(0, 300),
  maxReceiveCount: integerParam(1, 1000),
  collectorTimeoutSeconds: integerParam(1, 900),
  collectorMemoryMb: integerParam(128, 10_240),
  maximumConcurrency: integerParam(2, 1000),
  messageRetentionSeconds: integerParam(60, 1_209_600),
  alarmEmail: optionalTextParam(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address or ""'),
  notify: oneOfParam<NotifyMode>(Object.values(NOTIFY_MODE)),
  budgetAlarmPercent: integerParam(1, 100),
  logRetentionDays: integerOneOf(LOG_RETENTION_DAYS),
  tracing: booleanParam,
  ledgerRetentionDays: integerParam(1),
  backoffBaseSeconds: integerParam(1, MAX_VISIBILITY_SECONDS),
  backoffMaxSeconds: integerParam(1, MAX_VISIBILITY_SECONDS),
  inventoryMaxRequests: integerParam(1, 10_000),
  inventoryCacheSeconds: integerParam(0),
  inFlightCacheSeconds: integerParam(0),
  watchMaxWaitSeconds: integerParam(60),
  // The account table every stage of the account shares (docs/deploy.md); "" = this stage counts alone.
  accountTable: optionalTextParam(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name or ""'),
  delivery: oneOfParam<DeliveryMode>(Object.values(DELIVERY_MODE)),
  watchCheckDelays: checkDelaysParam,
  deployCheckDelays: checkDelaysParam,
  pipelineDistributions: textListParam(/^E[A-Z0-9]{6,20}$/, 'CloudFront distribution ids such as E2QWRUHAPOMQZL'),
} as const;

type Specs = typeof SPECS;

/** The name of every stage param, in serverless.yml order. */
export const PARAM_NAMES = Object.keys(SPECS) as (keyof Specs)[];

/**
 * One stage's settings: `params.default` merged with `params.<stage>` (see docs/configuration.md for
 * each), validated, plus what follows from them.
 */
export type StageParams = { readonly [K in Exclude<keyof Specs, 'routes'>]: ReturnType<Specs[K]> } & {
  readonly stage: string;
  /** The routes, validated, defaults filled in. */
  readonly routes: readonly RouteConfig[];
  /** The routes as written, compact JSON: the collector's ROUTES variable. */
  readonly routesJson: string;
  /** Route buckets the stack does not create: their notifications come from the custom resource. */
  readonly existingBuckets: readonly string[];
  /** The change queue's visibility timeout: 6 x the collector timeout + the batch window (AWS's advice). */
  readonly queueVisibilityTimeoutSeconds: number;
};

/**
 * Validates raw stage params (as merged from serverless.yml, or resolved by the Serverless Framework).
 *
 * @param raw - param name to value; unknown names are errors, so typos do not pass silently
 * @param stage - the stage name, for messages and `StageParams.stage`
 * @throws StageParamsError naming `params.<stage>.<name>` and what was expected
 */
export function parseStageParams(raw: Readonly<Record<string, unknown>>, stage: string): StageParams {
  const at = (name: string) => `params.${stage}.${name}`;
  for (const name of Object.keys(raw)) {
    if (!(name in SPECS)) fail(at(name), `one of the params ${PARAM_NAMES.join(', ')}`, 'an unknown param');
  }
  const value = <K extends keyof Specs>(name: K): ReturnType<Specs[K]> =>
    SPECS[name](raw[name], at(name)) as ReturnType<Specs[K]>;
  // `--param 'routes=[...]'` arrives as JSON text.
  const routesInput = typeof raw.routes === 'string' ? parseJson(raw.routes, at('routes')) : raw.routes;
  let routes: RouteConfig[];
  try {
    routes = parseRouteConfig(routesInput);
  } catch (error) {
    if (!(error instanceof RouteConfigError)) throw error;
    throw new StageParamsError(`${at('')}${error.message}`, { cause: error });
  }
  const routesJson = JSON.stringify(routesInput);
  if (routesJson.length > MAX_ROUTES_JSON_LENGTH) {
    const expected = `at most ${MAX_ROUTES_JSON_LENGTH} characters of JSON (Lambda allows 4 KB of environment)`;
    throw new StageParamsError(`${at('routes')}: expected ${expected}, got ${routesJson.length}`);
  }
  const routeBuckets = [...new Set(routes.map((route) => route.bucket))];
  const createBuckets = value('createBuckets');
  for (const [i, bucket] of createBuckets.entries()) {
    if (!routeBuckets.includes(bucket)) fail(at(`createBuckets[${i}]`), 'a bucket that a route uses', bucket);
  }
  const params = {
    stage,
    ...(Object.fromEntries(PARAM_NAMES.map((name) => [name, value(name)])) as Omit<StageParams, 'stage'>),
    routes,
    routesJson,
    existingBuckets: routeBuckets.filter((bucket) => !createBuckets.includes(bucket)),
    queueVisibilityTimeoutSeconds: 6 * value('collectorTimeoutSeconds') + value('batchWindowSeconds'),
  };
  checkTogether(params, at);
  return Object.freeze(params);
}

/**
 * Reads one stage's params from serverless.yml: `params.default` merged with `params.<stage>`, the way
 * the Serverless Framework merges them (a stage value of `null` falls back to the default).
 *
 * @param stage - e.g. `local` for `npm start`, `dev`, `prod`
 * @param file - the serverless.yml to read (default: the repository's)
 * @throws StageParamsError when a param is invalid or uses a variable other than `${sls:stage}`
 */
export function readStageParams(stage: string, file: string = SERVERLESS_FILE): StageParams {
  const document: unknown = parse(readFileSync(file, 'utf8'));
  const params = isRecord(document) && isRecord(document.params) ? document.params : {};
  const merged: Record<string, unknown> = {};
  for (const source of [params.default, params[stage]]) {
    if (!isRecord(source)) continue;
    for (const [name, value] of Object.entries(source)) {
      if (value !== null && value !== undefined)
        merged[name] = substituteStage(value, stage, `params.${stage}.${name}`);
    }
  }
  return parseStageParams(merged, stage);
}

function checkTogether(params: StageParams, at: (name: string) => string): void {
  // Lambda rejects a batch size above 10 without a batching window.
  if (params.batchSize > 10 && params.batchWindowSeconds < 1) {
    fail(at('batchWindowSeconds'), 'at least 1 when batchSize is above 10', params.batchWindowSeconds);
  }
  if (params.backoffBaseSeconds > params.backoffMaxSeconds) {
    fail(
      at('backoffBaseSeconds'),
      `at most backoffMaxSeconds (${params.backoffMaxSeconds})`,
      params.backoffBaseSeconds,
    );
  }
}

function parseJson(text: string, at: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StageParamsError(`${at}: expected a list of routes or its JSON text, got text that is not JSON`, {
      cause: error,
    });
  }
}

function substituteStage(value: unknown, stage: string, at: string): unknown {
  if (typeof value === 'string') {
    const text = value.replaceAll(STAGE_VARIABLE, stage);
    if (/\$\{/.test(text)) fail(at, `a literal value or ${STAGE_VARIABLE} (others need the framework)`, value);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => substituteStage(item, stage, at));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteStage(item, stage, at)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
