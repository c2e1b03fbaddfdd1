import { needsEncoding, toCloudFrontPath } from '../paths.ts';
import { createKeyInventory, searchSorted } from './sorted-inventory.ts';
import { endOfRun, sortUnique } from './sorted-strings.ts';
import type { Inventory } from './types.ts';

/**
 * An inventory read straight from a key list's bytes: S3 keys as UTF-8, one per line (a byte order
 * mark, `\r\n` and empty lines tolerated, as `invalidator plan` reads key lists), each served at
 * `/` + key, as `createKeyInventory` takes them.
 * No string is made per key: one pass finds the lines and checks their order, and queries compare
 * bytes. A million-key listing costs its bytes plus 12 bytes a key, and less time than splitting it
 * into strings (bench/planner.ts).
 *
 * The lines must ascend strictly by byte, which is the order S3 lists keys in (UTF-8 binary order).
 * A query whose characters all stay literal (no `%`, so plain ASCII) is answered in key space, which
 * is exact: such a query starts a key's path exactly when it starts the key (a key that needs
 * encoding gets a `%` at its first unsafe character), and ASCII bytes never occur inside a UTF-8
 * sequence. Other queries look only at the keys that need encoding, decoded and encoded on the
 * first such query. Lines out of order or repeated fall back to decoding every key and
 * `createKeyInventory`, which sorts.
 *
 * With an index document, a key `dir/index.html` is also served at `/dir/` (and `/dir` with
 * `indexNoSlash`), and the root `index.html` at `/`, as routes serve them (routes.ts); those
 * directory paths are found with one look at each line's end.
 *
 * @param bytes - the key list, UTF-8
 * @param index - the index document, if any
 */
export function createKeyFileInventory(bytes: Uint8Array, index: IndexDocument = NO_INDEX): Inventory {
  const lines = findLines(bytes);
  const keys = lines.ascending ? searchLines(bytes, lines) : createKeyInventory(decodeLines(bytes, lines));
  if (index.indexDocument === null) return keys;
  const directories = directoryPaths(bytes, lines, index.indexDocument, index.indexNoSlash).filter(
    (path) => !keys.has(path),
  );
  return directories.length === 0 ? keys : unionOf(keys, searchSorted(directories));
}

/** How keys that are index documents are also served. */
export interface IndexDocument {
  /** Such as `index.html`; `null` when off. */
  indexDocument: string | null;
  /** Whether `dir/index.html` is also served at `/dir`. */
  indexNoSlash: boolean;
}

const NO_INDEX: IndexDocument = { indexDocument: null, indexNoSlash: false };

function searchLines(bytes: Uint8Array, lines: Lines): Inventory {
  const plain = new LineSearch(bytes, lines);
  let encoded: Inventory | undefined;
  const encodedKeys = (): Inventory => {
    encoded ??= searchSorted(
      sortUnique(
        decodeLines(bytes, lines, (start, end) => needsEncodingBytes(bytes, start, end)).map(toCloudFrontPath),
      ),
    );
    return encoded;
  };
  // `load` reads the query's bytes once and tells whether they all stay literal.
  return {
    countWithPrefix(prefix) {
      if (prefix.charCodeAt(0) !== 0x2f) return 0;
      return plain.load(prefix) ? plain.countWithPrefix() : encodedKeys().countWithPrefix(prefix);
    },
    has(path) {
      if (path.charCodeAt(0) !== 0x2f) return false;
      return plain.load(path) ? plain.has() : encodedKeys().has(path);
    },
    markServed(paths, from, to, served) {
      for (let i = from; i < to; i++) {
        const path = paths[i] as string;
        let answer = false;
        if (path.charCodeAt(0) === 0x2f) answer = plain.load(path) ? plain.has() : encodedKeys().has(path);
        served[i] = answer ? 1 : 0;
      }
    },
  };
}

/** The directory paths the index documents among the lines are also served at, sorted and distinct. */
function directoryPaths(bytes: Uint8Array, lines: Lines, indexDocument: string, noSlash: boolean): string[] {
  const name = new TextEncoder().encode(indexDocument);
  const decoder = new TextDecoder();
  const paths: string[] = [];
  for (let line = 0; line < lines.count; line++) {
    const start = lines.start[line] as number;
    const end = lines.end[line] as number;
    const nameStart = end - name.length;
    if (nameStart < start || !sameBytes(bytes, nameStart, name)) continue;
    if (nameStart === start) paths.push('/');
    else if (bytes[nameStart - 1] === 0x2f) {
      const directory = toCloudFrontPath(decoder.decode(bytes.subarray(start, nameStart)));
      paths.push(directory);
      if (noSlash) paths.push(directory.slice(0, -1));
    }
  }
  return sortUnique(paths);
}

function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** Two inventories with nothing in common, as one. */
function unionOf(first: Inventory, second: Inventory): Inventory {
  return {
    countWithPrefix: (prefix) => first.countWithPrefix(prefix) + second.countWithPrefix(prefix),
    has: (path) => first.has(path) || second.has(path),
    markServed(paths, from, to, served) {
      if (first.markServed === undefined)
        for (let i = from; i < to; i++) served[i] = first.has(paths[i] as string) ? 1 : 0;
      else first.markServed(paths, from, to, served);
      for (let i = from; i < to; i++) if (served[i] === 0 && second.has(paths[i] as string)) served[i] = 1;
    },
  };
}

/**
 * Where each non-empty line starts and ends (before `\r\n` or `\n`), how many bytes it shares with
 * the line before (when they ascend), and whether they strictly ascend.
 */
interface Lines {
  count: number;
  start: Int32Array;
  end: Int32Array;
  shared: Int32Array;
  ascending: boolean;
}

/**
 * One pass over the bytes: each line is compared with the one before while their bytes agree (the
 * shared prefix of neighbours in a sorted listing), then scanned to its end.
 */
function findLines(bytes: Uint8Array): Lines {
  const length = bytes.length;
  let start = new Int32Array(Math.max(16, length >>> 5));
  let end = new Int32Array(start.length);
  let sharedBytes = new Int32Array(start.length);
  let count = 0;
  let ascending = true;
  let previousStart = 0;
  let previousEnd = -1;
  // A UTF-8 byte order mark is not part of the first key.
  let at = length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (at < length) {
    const lineStart = at;
    let other = previousStart;
    const limit = Math.min(length - at, previousEnd - previousStart);
    while (other - previousStart < limit && bytes[at] === bytes[other]) {
      at++;
      other++;
    }
    at = endOfLine(bytes, at);
    let lineEnd = at;
    if (lineEnd > lineStart && bytes[lineEnd - 1] === 0x0d) lineEnd--;
    at++;
    if (lineEnd === lineStart) continue;
    const shared = previousEnd === -1 ? 0 : other - previousStart;
    // The first difference decides; a line that ends first (or equals the previous) is out of order.
    if (
      previousEnd !== -1 &&
      (lineStart + shared >= lineEnd ||
        (other < previousEnd && (bytes[lineStart + shared] as number) < (bytes[other] as number)))
    ) {
      ascending = false;
    }
    if (count === start.length) {
      start = grow(start);
      end = grow(end);
      sharedBytes = grow(sharedBytes);
    }
    start[count] = lineStart;
    end[count] = lineEnd;
    sharedBytes[count++] = shared;
    previousStart = lineStart;
    previousEnd = lineEnd;
  }
  return { count, start, end, shared: sharedBytes, ascending };
}

/** Index of the next line feed from `at`, or the length. */
function endOfLine(bytes: Uint8Array, at: number): number {
  const found = TYPED_INDEX_OF.call(bytes, 0x0a, at);
  return found === -1 ? bytes.length : found;
}

/** The typed-array builtin, not Buffer's override: much cheaper per call. */
const TYPED_INDEX_OF = Uint8Array.prototype.indexOf;

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/**
 * Searches over sorted lines with ASCII queries given as paths (`/` + key prefix). Counts gallop
 * from the last answer. Membership, asked for ascending paths, walks the lines with what the
 * listing already says, how many bytes each line shares with the one before: while the query is
 * known to share m bytes with the current line, a next line sharing more than m with it is still
 * before the query and one sharing fewer is after it, so only lines sharing exactly m are compared,
 * from byte m on. Long gaps gallop instead.
 */
class LineSearch {
  private query = new Uint8Array(256);
  private queryLength = 0;
  private countHint = 0;
  /** The previous membership query, and its first line not before it, sharing `cursorShared` bytes. */
  private previous = new Uint8Array(256);
  private previousLength = -1;
  private cursor = 0;
  private cursorShared = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly lines: Lines,
  ) {}

  /** Counts the lines starting with the loaded query. */
  countWithPrefix(): number {
    const first = this.lowerBound(this.countHint);
    this.countHint = first;
    return this.endOfPrefix(first) - first;
  }

  /** Whether a line is the loaded query. */
  has(): boolean {
    const found = this.seek();
    const kept = this.previous;
    this.previous = this.query;
    this.previousLength = this.queryLength;
    this.query = kept.length >= this.previous.length ? kept : new Uint8Array(this.previous.length);
    return found;
  }

  /** Moves the cursor to the first line not before the query; whether that line equals it. */
  private seek(): boolean {
    const { query, queryLength, previous, previousLength } = this;
    const count = this.lines.count;
    // c: bytes the query shares with the previous one; the walk needs the query after it.
    let c = 0;
    const common = Math.min(queryLength, previousLength);
    while (c < common && query[c] === previous[c]) c++;
    if (
      previousLength < 0 ||
      c === queryLength ||
      (c < previousLength && (query[c] as number) < (previous[c] as number))
    ) {
      this.cursor = this.lowerBound(0);
      this.cursorShared = this.cursor < count ? this.sharedWith(this.cursor, 0) : 0;
      return this.isQuery(this.cursor, this.cursorShared);
    }
    let line = this.cursor;
    if (line >= count) return false;
    let shared = this.cursorShared;
    // The cursor line is not before the previous query; against this one:
    if (shared < c) return false; // it parts from both at byte `shared`, above them: still after.
    if (shared === c) {
      shared = this.sharedWith(line, c);
      if (!this.isBefore(line, shared)) {
        this.cursorShared = shared;
        return this.isQuery(line, shared);
      }
    } else shared = c; // it follows the previous query past byte c, where this query is above: before.
    // Now `line` is before the query and shares `shared` bytes with it.
    for (let steps = 0; ; steps++) {
      line++;
      if (line >= count) break;
      if (steps === GALLOP_AFTER) {
        line = this.lowerBound(line);
        shared = line < count ? this.sharedWith(line, 0) : 0;
        break;
      }
      const withBefore = this.lines.shared[line] as number;
      if (withBefore > shared) continue;
      if (withBefore < shared) {
        shared = withBefore;
        break;
      }
      shared = this.sharedWith(line, shared);
      if (!this.isBefore(line, shared)) break;
    }
    this.cursor = line;
    this.cursorShared = shared;
    return line < count && this.isQuery(line, shared);
  }

  /** Bytes line `line` shares with the query, knowing they share the first `from`. */
  private sharedWith(line: number, from: number): number {
    const { bytes, query, queryLength } = this;
    const start = this.lines.start[line] as number;
    const length = Math.min((this.lines.end[line] as number) - start, queryLength);
    let shared = from;
    while (shared < length && bytes[start + shared] === query[shared]) shared++;
    return shared;
  }

  /** Whether line `line`, sharing `shared` bytes with the query, sorts before it. */
  private isBefore(line: number, shared: number): boolean {
    const start = this.lines.start[line] as number;
    const lineLength = (this.lines.end[line] as number) - start;
    if (shared === lineLength) return shared < this.queryLength;
    if (shared === this.queryLength) return false;
    return (this.bytes[start + shared] as number) < (this.query[shared] as number);
  }

  /** Whether line `line`, sharing `shared` bytes with the query, is the query. */
  private isQuery(line: number, shared: number): boolean {
    if (line >= this.lines.count) return false;
    const length = (this.lines.end[line] as number) - (this.lines.start[line] as number);
    return shared === this.queryLength && length === shared;
  }

  /**
   * Reads a path's key part (after the `/`) as the query, and whether it stays literal (every byte a
   * character a key keeps in its path); only then do the line searches apply.
   */
  load(path: string): boolean {
    if (path.length > this.query.length) this.query = new Uint8Array(2 * path.length);
    const query = this.query;
    // One native call reads the string (usually a rope, `'/' + key`, slow to read by character).
    const { read, written } = UTF8.encodeInto(path, query);
    if (read !== path.length || written !== path.length) return false;
    let literal = true;
    for (let i = 1; i < written; i++) if (LITERAL[query[i] as number] === 0) literal = false;
    query.copyWithin(0, 1, written);
    this.queryLength = written - 1;
    return literal;
  }

  /** First line not before the query, galloping from `hint` when the query lies after it. */
  private lowerBound(hint: number): number {
    const before = (line: number): boolean => this.isBefore(line, this.sharedWith(line, 0));
    const { count } = this.lines;
    return endOfRun(before, hint > 0 && hint <= count && before(hint - 1) ? hint : 0, count);
  }

  /** First line from `first` that does not start with the query (those that do are contiguous). */
  private endOfPrefix(first: number): number {
    return endOfRun((line) => this.sharedWith(line, 0) === this.queryLength, first, this.lines.count);
  }
}

/** Lines a membership walk steps through before it gallops instead. */
const GALLOP_AFTER = 64;

const UTF8 = new TextEncoder();

/** Bytes a key may hold and keep its path literal: A-Z a-z 0-9 and the safe punctuation. */
const LITERAL = ((): Uint8Array => {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 128; byte++) table[byte] = needsEncoding(String.fromCharCode(byte)) ? 0 : 1;
  return table;
})();

function needsEncodingBytes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (LITERAL[bytes[i] as number] === 0) return true;
  return false;
}

/** The lines (those `keep` accepts) decoded as UTF-8 strings. */
function decodeLines(bytes: Uint8Array, lines: Lines, keep?: (start: number, end: number) => boolean): string[] {
  const decoder = new TextDecoder();
  const keys: string[] = [];
  for (let line = 0; line < lines.count; line++) {
    const start = lines.start[line] as number;
    const end = lines.end[line] as number;
    if (keep === undefined || keep(start, end)) keys.push(decoder.decode(bytes.subarray(start, end)));
  }
  return keys;
}
