import { IN_FLIGHT_WILDCARD_LIMIT, MAX_PATHS_PER_REQUEST } from '../domain/budget.ts';
import { DomainError, describeValue } from '../domain/errors.ts';
import { type ParsedBatch, parseEventMessage, parseSqsRecords, type SqsRecordLike } from '../domain/events.ts';
import { compileRoutes, createCatchAllRouteTable, type RouteTable } from '../domain/routes.ts';
import { firstLine } from './args.ts';
import { EXIT } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { parseKeyList } from './key-list.ts';
import { formatPlanText, toPlanJson } from './plan-format.ts';
import { type ChangedObject, type DryRunInput, objectsOfBatch, runDryRun } from './plan-model.ts';
import { PLAN_HELP, type PlanOptions, parsePlanOptions } from './plan-options.ts';
import { UsageError } from './usage-error.ts';

/** The distribution name used when no `--config` is given. */
export const DEFAULT_DISTRIBUTION = '-';

/** The message id under which a bare (non-SQS) `--event` file is reported. */
export const BARE_EVENT_ID = '-';

interface LoadedConfig {
  readonly table: RouteTable;
  readonly maxPathsPerInvalidation: number | undefined;
  readonly wildcardSafetyMargin: number | undefined;
}

/**
 * Runs `invalidator plan`: routes and plans changed keys (or an SQS/S3 event) as the collector would,
 * and prints the plan as a table or JSON. A dry run: nothing is sent to AWS.
 *
 * @param argv - arguments after `plan`
 * @param io - standard streams and file reading (injected for tests)
 * @returns the exit code: 0 ok, 1 runtime failure, 2 bad usage or bad input (one line on stderr)
 */
export async function runPlan(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const options = parsePlanOptions(argv);
    if (options.help) {
      io.stdout.write(`${PLAN_HELP}\n`);
      return EXIT.ok;
    }
    const dryRun = runDryRun(await loadInput(options, io));
    io.stdout.write(options.json ? `${JSON.stringify(toPlanJson(dryRun), null, 2)}\n` : formatPlanText(dryRun));
    return EXIT.ok;
  } catch (error) {
    // Domain errors here come from the user's input: a budget the planner cannot meet, a bad route.
    if (error instanceof UsageError || error instanceof DomainError) {
      io.stderr.write(`invalidator plan: ${firstLine(error.message)}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`invalidator plan: failed: ${firstLine(message)}\n`);
    return EXIT.failure;
  }
}

async function loadInput(options: PlanOptions, io: CliIo): Promise<DryRunInput> {
  const config = options.config === undefined ? undefined : await loadConfig(options.config, io);
  const table = config?.table ?? createCatchAllRouteTable(DEFAULT_DISTRIBUTION, options.indexDocument ?? 'index.html');
  const { objects, skipped } =
    options.event === undefined
      ? { objects: await loadChanged(options.changed as string, io), skipped: [] }
      : objectsOfBatch(await loadEvent(options.event, io));
  const inventory = options.inventory === undefined ? undefined : await readBytes('--inventory', options.inventory, io);
  if (inventory !== undefined) parseKeyList(`--inventory ${options.inventory}`, inventory); // checked, read later as bytes
  const previousKeys =
    options.previousInventory === undefined
      ? undefined
      : new Set(
          parseKeyList(
            `--previous-inventory ${options.previousInventory}`,
            await readBytes('--previous-inventory', options.previousInventory, io),
          ),
        );
  const maxPaths =
    options.maxPaths ?? Math.min(config?.maxPathsPerInvalidation ?? MAX_PATHS_PER_REQUEST, MAX_PATHS_PER_REQUEST);
  const maxWildcards =
    options.maxWildcards ?? Math.max(0, IN_FLIGHT_WILDCARD_LIMIT - (config?.wildcardSafetyMargin ?? 0));
  return { table, objects, skipped, inventory, previousKeys, maxPaths, maxWildcards };
}

async function loadChanged(file: string, io: CliIo): Promise<ChangedObject[]> {
  const keys = parseKeyList(`--changed ${file}`, await readBytes('--changed', file, io));
  return keys.map((key) => ({ bucket: undefined, key }));
}

async function loadConfig(file: string, io: CliIo): Promise<LoadedConfig> {
  const json = parseJson('--config', file, await readText('--config', file, io));
  try {
    const table = compileRoutes(json);
    const fields = Array.isArray(json) ? {} : (json as Record<string, unknown>);
    return {
      table,
      maxPathsPerInvalidation: optionalInteger(fields.maxPathsPerInvalidation, 'maxPathsPerInvalidation', 1),
      wildcardSafetyMargin: optionalInteger(fields.wildcardSafetyMargin, 'wildcardSafetyMargin', 0),
    };
  } catch (error) {
    if (error instanceof DomainError || error instanceof UsageError) {
      throw new UsageError(`--config ${file}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

async function loadEvent(file: string, io: CliIo): Promise<ParsedBatch> {
  const json = parseJson('--event', file, await readText('--event', file, io));
  const records = typeof json === 'object' && json !== null ? (json as { Records?: unknown }).Records : undefined;
  if (Array.isArray(records) && records.length > 0 && records.every(isSqsRecord)) return parseSqsRecords(records);
  const batch = parseEventMessage(BARE_EVENT_ID, json);
  const first = batch.problems[0];
  if (batch.changes.length === 0 && batch.testEvents.length === 0 && first !== undefined) {
    throw new UsageError(`--event ${file}: expected an SQS event or an S3 event; ${first.reason}`);
  }
  return batch;
}

function isSqsRecord(record: unknown): record is SqsRecordLike {
  if (typeof record !== 'object' || record === null) return false;
  const { messageId, body } = record as Record<string, unknown>;
  return typeof messageId === 'string' && body !== undefined;
}

async function readText(flag: string, file: string, io: CliIo): Promise<string> {
  return new TextDecoder().decode(await readBytes(flag, file, io));
}

async function readBytes(flag: string, file: string, io: CliIo): Promise<Uint8Array> {
  return readInput(flag, file, file === '-' ? io.stdin : () => io.readFile(file));
}

async function readInput<T>(flag: string, file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = typeof code === 'string' ? code : error instanceof Error ? firstLine(error.message) : String(error);
    throw new UsageError(`${flag} ${file}: cannot read the file (${why})`, { cause: error });
  }
}

function parseJson(flag: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: expected JSON, got text that does not parse`, { cause: error });
  }
}

function optionalInteger(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${field}: expected an integer of at least ${min}, got ${describeValue(value)}`);
  }
  return value;
}
