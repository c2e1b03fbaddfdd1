import { parseCheckDelays } from '../domain/watch-policy.ts';
import { StageParamsError } from './errors.ts';

/** Parses one raw param value (from YAML or a `--param key=value` string); `at` names it in errors. */
export type ParamParser<T> = (value: unknown, at: string) => T;

const MAX_SHOWN = 40;

/**
 * A whole number in `[min, max]`. Accepts digit strings too, because `--param batchSize=100`
 * arrives as text.
 */
export function integerParam(min: number, max = Number.MAX_SAFE_INTEGER): ParamParser<number> {
  return (value, at) => {
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      fail(at, `a whole number from ${min} to ${max}`, value);
    }
    return number;
  };
}

/** Like `integerParam`, but `null`, absent or `""` mean "not set". */
export function optionalIntegerParam(min: number, max = Number.MAX_SAFE_INTEGER): ParamParser<number | undefined> {
  const parse = integerParam(min, max);
  return (value, at) => (value === undefined || value === null || value === '' ? undefined : parse(value, at));
}

/** One of a fixed set of whole numbers (e.g. the retention periods CloudWatch Logs accepts). */
export function integerOneOf(allowed: readonly number[]): ParamParser<number> {
  const parse = integerParam(Math.min(...allowed), Math.max(...allowed));
  return (value, at) => {
    const number = parse(value, at);
    if (!allowed.includes(number)) fail(at, `one of ${allowed.join(', ')}`, value);
    return number;
  };
}

/** A string matching `pattern`; `what` describes it in the error. */
export function textParam(pattern: RegExp, what: string): ParamParser<string> {
  return (value, at) => {
    if (typeof value !== 'string' || !pattern.test(value)) fail(at, what, value);
    return value;
  };
}

/** Like `textParam`, but `null`, absent or `""` mean "not set". */
export function optionalTextParam(pattern: RegExp, what: string): ParamParser<string | undefined> {
  const parse = textParam(pattern, what);
  return (value, at) => (value === undefined || value === null || value === '' ? undefined : parse(value, at));
}

/** One of the given strings. */
export function oneOfParam<T extends string>(allowed: readonly T[]): ParamParser<T> {
  return (value, at) => {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      fail(at, `one of ${allowed.join(', ')}`, value);
    }
    return value as T;
  };
}

/** `true` or `false` (also as the strings `"true"`/`"false"` from `--param`). */
export const booleanParam: ParamParser<boolean> = (value, at) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(at, 'true or false', value);
};

/** A list of strings matching `pattern` (`null` or absent: empty). */
export function textListParam(pattern: RegExp, what: string): ParamParser<readonly string[]> {
  const parse = textParam(pattern, what);
  return (value, at) => {
    if (value === undefined || value === null || value === '') return [];
    // `--param createBuckets=a,b` arrives as one comma-separated text.
    if (typeof value === 'string') return value.split(',').map((item, i) => parse(item.trim(), `${at}[${i}]`));
    if (!Array.isArray(value)) fail(at, `a list of ${what}`, value);
    return value.map((item: unknown, i) => parse(item, `${at}[${i}]`));
  };
}

/** Watch check delays as comma-separated seconds (`"30,30,60,120,300"`, or one number), normalised. */
export const checkDelaysParam: ParamParser<string> = (value, at) => {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return fail(at, 'comma-separated seconds such as "30,30,60,120,300"', value);
  const parsed = parseCheckDelays(text);
  if ('problem' in parsed) fail(at, parsed.problem, value);
  return (parsed as readonly number[]).join(',');
};

/**
 * Throws a `StageParamsError` in the house format: `<at>: expected <expected>, got <value>`.
 *
 * @throws StageParamsError always
 */
export function fail(at: string, expected: string, got: unknown): never {
  throw new StageParamsError(`${at}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `"${value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value}"`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
