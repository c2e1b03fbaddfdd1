import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, StoredPlan } from '../app/ports.ts';
import type { PlanFigures } from '../app/savings-ports.ts';
import { LEDGER_KEYS } from './ledger-table.ts';

/** One item of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attribute of the reservation lease: when its holder reserved or last claimed the entry. */
export const CLAIMED_AT = 'claimedAt';
/** Attribute of the reservation lease: the invocation that holds it (absent: nobody, anyone may claim). */
export const LEASE_OWNER = 'leaseOwner';
/** Attribute of the reservation lease: when it runs out (the holder's claim + its own function timeout). */
export const LEASE_UNTIL = 'leaseUntil';

/** Attribute set when an attempt to issue the entry ended in doubt (CloudFront may have created it). */
export const IN_DOUBT = 'inDoubt';

/** Attribute set when the sweeper released the entry (its CallerReference may still land late). */
export const SWEPT = 'swept';

/** Attribute of the sweeper's first look that did not find the entry in CloudFront (cleared by a claim). */
export const NOT_FOUND_AT = 'notFoundAt';

interface CounterDelta {
  paths: number;
  exactPaths: number;
  wildcardPaths: number;
  invalidations: number;
  changedObjects: number;
}

function counterDelta(entry: LedgerEntry, sign: 1 | -1): CounterDelta {
  return {
    paths: sign * entry.plan.paths.length,
    exactPaths: sign * entry.plan.exactPaths,
    wildcardPaths: sign * entry.plan.wildcardPaths,
    invalidations: sign,
    changedObjects: sign * entry.changedObjects,
  };
}

/**
 * The four counter updates of an entry's paths in `month` (account total, distribution, day total,
 * day x distribution): ADD `sign` x its figures. With `hardCap`, the total's update passes only while
 * the month stays within the cap (the race-free cap check).
 */
export function counterUpdates(
  tables: CounterTables,
  entry: LedgerEntry,
  at: { readonly month: string; readonly day: number },
  sign: 1 | -1,
  hardCap: number | undefined,
): TransactItem[] {
  const delta = counterDelta(entry, sign);
  const monthPk = LEDGER_KEYS.monthPk(at.month);
  const stage = [
    LEDGER_KEYS.totalSk,
    LEDGER_KEYS.distributionSk(entry.distributionId),
    LEDGER_KEYS.dayTotalSk(at.day),
    LEDGER_KEYS.dayDistributionSk(at.day, entry.distributionId),
  ].map((sk) => ({ Update: counterUpdate(tables.tableName, monthPk, sk, delta, undefined) }));
  const account = tables.accountTableName;
  // The capped counter goes first: the account-wide one when stages share it, else the stage's total.
  const capped =
    account === undefined
      ? counterUpdate(tables.tableName, monthPk, LEDGER_KEYS.totalSk, delta, hardCap)
      : counterUpdate(account, LEDGER_KEYS.accountPk(at.month), LEDGER_KEYS.totalSk, delta, hardCap);
  return [{ Update: capped }, ...(account === undefined ? stage.slice(1) : stage)];
}

/** The stage's table, and the account table every stage of the account shares (when configured). */
export interface CounterTables {
  readonly tableName: string;
  readonly accountTableName?: string | undefined;
}

function counterUpdate(tableName: string, pk: string, sk: string, delta: CounterDelta, hardCap: number | undefined) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds: string[] = [];
  for (const [field, amount] of Object.entries(delta)) {
    names[`#${field}`] = field;
    values[`:${field}`] = amount;
    adds.push(`#${field} :${field}`);
  }
  const update = {
    TableName: tableName,
    Key: { pk, sk },
    UpdateExpression: `ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
  if (hardCap === undefined) return update;
  // Passes only while paths + new <= cap, i.e. paths <= cap - new.
  return {
    ...update,
    ConditionExpression: 'attribute_not_exists(#paths) OR #paths <= :capLeft',
    ExpressionAttributeValues: { ...values, ':capLeft': hardCap - delta.paths },
  };
}

/** The lease attributes of a reservation held by `owner` from `at` for `leaseMs` (none without an owner). */
export function leaseOf(owner: string | undefined, at: number, leaseMs: number): Record<string, unknown> {
  return owner === undefined ? {} : { [LEASE_OWNER]: owner, [CLAIMED_AT]: at, [LEASE_UNTIL]: at + leaseMs };
}

/**
 * Longest plan, as JSON, stored as plain text (`pathsJson`); longer plans are gzipped (`pathsGz`).
 * A plan this short keeps a typical item within 1 KB (one write unit) gzipped or not, and leaves
 * `node:zlib` unloaded: a cold start no longer pays for it (docs/architecture.md, "Plans in the ledger").
 */
export const PLAIN_PATHS_MAX_CHARS = 256;

/** How a plan's paths are stored: plain JSON when short, else gzipped (a 3,000-path plan stays far below 400 KB). */
function storedPaths(paths: readonly string[]): { pathsJson: string } | { pathsGz: Uint8Array } {
  const json = JSON.stringify(paths);
  return json.length <= PLAIN_PATHS_MAX_CHARS ? { pathsJson: json } : { pathsGz: zlib().gzipSync(json) };
}

/**
 * The paths of a ledger item, in either form (items written before `pathsJson` are all gzipped).
 *
 * @throws Error when the item has neither attribute (not a ledger entry)
 */
function pathsOf(item: Record<string, unknown>): string[] {
  if (typeof item.pathsJson === 'string') return JSON.parse(item.pathsJson) as string[];
  if (item.pathsGz instanceof Uint8Array)
    return JSON.parse(zlib().gunzipSync(item.pathsGz).toString('utf8')) as string[];
  throw new Error(`ledger item ${String(item.sk)}: expected pathsJson or pathsGz, got neither`);
}

/** `node:zlib`, loaded on first use: only plans over PLAIN_PATHS_MAX_CHARS need it. */
const zlib = () => process.getBuiltinModule('node:zlib');

/** The ledger item of an entry (without TTL and lease). */
export function toItem(entry: LedgerEntry): Record<string, unknown> {
  const { plan, ...rest } = entry;
  return {
    pk: LEDGER_KEYS.monthPk(entry.month),
    sk: LEDGER_KEYS.entrySk(entry.unitKey),
    ...rest,
    ...storedPaths(plan.paths),
    pathCount: plan.paths.length,
    exactPaths: plan.exactPaths,
    wildcardPaths: plan.wildcardPaths,
    changed: plan.changed,
    collateral: plan.collateral,
    // newKeys, freePaths, newKeyPathsAvoided, listRequests, inventoryPathsSaved (collector plans).
    ...plan.figures,
  };
}

/** Reads a ledger item back into an entry (the ledger, the report and the watcher). */
export function toEntry(item: Record<string, unknown>): LedgerEntry {
  const plan: StoredPlan = {
    paths: pathsOf(item),
    exactPaths: Number(item.exactPaths),
    wildcardPaths: Number(item.wildcardPaths),
    changed: Number(item.changed),
    collateral: item.collateral === null || item.collateral === undefined ? null : Number(item.collateral),
    ...figuresOf(item),
  };
  const optionalNumber = (name: string) => (typeof item[name] === 'number' ? { [name]: item[name] } : {});
  return {
    unitKey: String(item.unitKey),
    month: String(item.month),
    day: Number(item.day),
    distributionId: String(item.distributionId),
    callerReference: String(item.callerReference),
    status: item.status as LedgerEntry['status'],
    plan,
    messageCount: Number(item.messageCount),
    changedObjects: Number(item.changedObjects),
    source: item.source as LedgerEntry['source'],
    reservedAt: Number(item.reservedAt),
    ...optionalNumber('firstEventAt'),
    ...optionalNumber('issuedAt'),
    ...optionalNumber('completedAt'),
    ...optionalNumber('latencyMs'),
    ...(typeof item.invalidationId === 'string' ? { invalidationId: item.invalidationId } : {}),
  };
}

/** The plan figures of a collector entry (absent on fixed plans and entries written before them). */
function figuresOf(item: Record<string, unknown>): { figures?: PlanFigures } {
  if (typeof item.newKeys !== 'number') return {};
  const saved = item.inventoryPathsSaved;
  return {
    figures: {
      newKeys: item.newKeys,
      freePaths: Number(item.freePaths ?? 0),
      newKeyPathsAvoided: Number(item.newKeyPathsAvoided ?? 0),
      listRequests: Number(item.listRequests ?? 0),
      inventoryPathsSaved: typeof saved === 'number' ? saved : null,
    },
  };
}
