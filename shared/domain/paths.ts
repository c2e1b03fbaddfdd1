/**
 * S3 event keys to CloudFront invalidation paths (DESIGN 3.1).
 *
 * The encoding rule is AWS's, from "Specifying the files to invalidate" / "Invalidation paths":
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
 * "If the path includes non-ASCII characters or unsafe characters as defined in RFC 1738, URL-encode
 * those characters. Do not URL-encode any other characters in the path, or CloudFront will not
 * invalidate the old version of the updated file." Paths are at most 4,000 characters and `*` is
 * legal only as the last character.
 *
 * RFC 1738 section 2.2 (https://www.rfc-editor.org/rfc/rfc1738#section-2.2) calls unsafe: space,
 * `<`, `>`, `"`, `#`, `%`, `{`, `}`, `|`, `\`, `^`, `~`, `[`, `]` and the backquote, plus the control
 * characters 00-1F and 7F. Decision on `~`: RFC 1738 lists it as unsafe (RFC 3986 later made it
 * unreserved, but AWS cites 1738), and CloudFront has been seen to reject paths with a raw `~`, so it
 * is encoded as `%7E`. `?` is only "reserved" in RFC 1738, but in a path it would start a query
 * string, so it is always encoded too. Everything else (`!$&'()*+,-./:;=@_` and alphanumerics) stays
 * literal; `*` stays literal here and the planner turns any path holding it into a wildcard.
 *
 * Doubtful characters (DESIGN 3.1): CloudFront has refused a raw `~` (aws-sdk-js-v3#4042, where
 * `%7E` was accepted but reportedly did not invalidate the `~` object) and a `'` (s3_website#63).
 * A path holding `%7E` or `'` is therefore planned like one holding `*`: as a wildcard ending right
 * before the first of them ({@link firstDoubtfulIndex}).
 */

/** Longest invalidation path CloudFront accepts, wildcard included. */
export const MAX_PATH_LENGTH = 4000;

/** Result of decoding an S3 event key: the key, or why it could not be decoded. */
export type DecodedKey = { ok: true; key: string } | { ok: false; reason: string };

const HEX = '0123456789ABCDEF';

/** 1 for the ASCII code units that must be percent-encoded in an invalidation path. */
const MUST_ENCODE = new Uint8Array(128);
for (let code = 0; code < 0x20; code++) MUST_ENCODE[code] = 1;
for (const char of ' "#%<>?[\\]^`{|}~\u007f') MUST_ENCODE[char.charCodeAt(0)] = 1;

/** Any character outside the set that stays literal (a native regex scans far faster than a JS loop). */
const NEEDS_ENCODING = /[^!$&'()*+,\-./0-9:;=@A-Z_a-z]/;

/**
 * Decodes a key from an S3 event notification, which arrives form-encoded: `+` is a space, then
 * percent-escapes are UTF-8 bytes (`%2B` is a literal `+`). Never throws.
 *
 * @param raw - `s3.object.key` as it appears in the event
 * @returns the decoded key, or `ok: false` with a reason for a malformed escape or invalid UTF-8
 */
export function decodeEventKey(raw: string): DecodedKey {
  const hasPlus = raw.includes('+');
  if (!hasPlus && !raw.includes('%')) return { ok: true, key: raw };
  const spaced = hasPlus ? raw.replaceAll('+', ' ') : raw;
  try {
    return { ok: true, key: decodeURIComponent(spaced) };
  } catch {
    return { ok: false, reason: describeMalformedKey(spaced) };
  }
}

/**
 * Decodes a key whose `+` may be literal (an EventBridge `detail.object.key`: AWS documents neither
 * reading, and a field report says EventBridge keeps `+`): percent-escapes only. Never throws.
 *
 * @param raw - the key as it appears in the event
 * @returns the decoded key with every `+` kept, or `ok: false` with a reason
 */
export function decodeEventKeyKeepingPlus(raw: string): DecodedKey {
  if (!raw.includes('%')) return { ok: true, key: raw };
  try {
    return { ok: true, key: decodeURIComponent(raw) };
  } catch {
    return { ok: false, reason: describeMalformedKey(raw) };
  }
}

function describeMalformedKey(key: string): string {
  for (let i = key.indexOf('%'); i !== -1; i = key.indexOf('%', i + 1)) {
    if (!isHexDigit(key.charCodeAt(i + 1)) || !isHexDigit(key.charCodeAt(i + 2))) {
      return `malformed percent-escape at offset ${i}: expected %XX with two hex digits`;
    }
  }
  return 'percent-escapes do not form valid UTF-8';
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Turns a served key (the S3 key relative to the origin path, decoded) into a CloudFront
 * invalidation path: `/` + the key with non-ASCII characters (as UTF-8 bytes), RFC 1738 unsafe
 * characters, control characters and `?` percent-encoded in upper-case hex, nothing else.
 * A lone UTF-16 surrogate (impossible in a real S3 key) is encoded as U+FFFD.
 *
 * @param servedKey - the decoded key, without a leading `/`
 * @returns the encoded path, starting with `/`
 */
export function toCloudFrontPath(servedKey: string): string {
  let i = servedKey.search(NEEDS_ENCODING);
  if (i === -1) return `/${servedKey}`;
  const length = servedKey.length;
  let out = `/${servedKey.slice(0, i)}`;
  for (; i < length; i++) {
    const code = servedKey.charCodeAt(i);
    if (code < 128) {
      out += MUST_ENCODE[code] === 1 ? percent(code) : servedKey[i];
      continue;
    }
    let point = code;
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = servedKey.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        point = 0xfffd;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      point = 0xfffd;
    }
    out += encodeCodePoint(point);
  }
  return out;
}

/** `*`, `'`, and `~` raw or encoded (`%7E` is the only form `toCloudFrontPath` writes); one native scan. */
const DOUBTFUL = /[*'~]|%7E/;

/**
 * Where the first character sits that an exact invalidation path cannot hold safely: `*` (a
 * wildcard there), `'` or an encoded `~` (refused or not matched by CloudFront in the field). The
 * planner covers such a path with a wildcard ending at this index.
 *
 * @param path - an encoded CloudFront path
 * @returns the index, or -1 when the path can be invalidated exactly
 */
export function firstDoubtfulIndex(path: string): number {
  return path.search(DOUBTFUL);
}

/** Characters an exact path keeps when CloudFront refused it: anything else is suspect. */
const PLAIN_PATH_CHAR = /[^/0-9A-Za-z._-]/;

/**
 * A shorter wildcard covering a path CloudFront refused (InvalidArgument): for an exact path, a
 * wildcard ending before its first character outside `[/0-9A-Za-z._-]` (on a character boundary);
 * for a wildcard, or a path with no such character, the wildcard of its parent directory. Every
 * result is a strictly shorter prefix, so repeated cuts end at `/*`.
 *
 * @param path - the refused CloudFront path
 * @returns the wildcard, or undefined when `path` is `/*` already (nothing shorter covers it)
 */
export function cutRefusedPath(path: string): string | undefined {
  const wildcard = path.endsWith('*');
  const body = wildcard ? path.slice(0, -1) : path;
  if (!wildcard) {
    const suspect = body.slice(1).search(PLAIN_PATH_CHAR);
    if (suspect !== -1) {
      const cut = floorCharBoundary(body, suspect + 1);
      if (cut >= 1) return `${body.slice(0, cut)}*`;
    }
  }
  // The parent directory: up to the last `/` strictly before the end of the prefix.
  const parent = body.lastIndexOf('/', body.length - 2);
  if (parent === -1) return body.length > 1 ? '/*' : undefined;
  const shorter = `${body.slice(0, parent + 1)}*`;
  return shorter.length < path.length || !wildcard ? shorter : undefined;
}

/**
 * Whether a served key has characters that `toCloudFrontPath` percent-encodes; when it has none,
 * its path is just `/` + key, and keys in code-unit order stay in order as paths.
 *
 * @param servedKey - the decoded key, without a leading `/`
 */
export function needsEncoding(servedKey: string): boolean {
  return NEEDS_ENCODING.test(servedKey);
}

function percent(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

function encodeCodePoint(point: number): string {
  if (point < 0x800) return percent(0xc0 | (point >> 6)) + percent(0x80 | (point & 63));
  if (point < 0x10000) {
    return percent(0xe0 | (point >> 12)) + percent(0x80 | ((point >> 6) & 63)) + percent(0x80 | (point & 63));
  }
  return (
    percent(0xf0 | (point >> 18)) +
    percent(0x80 | ((point >> 12) & 63)) +
    percent(0x80 | ((point >> 6) & 63)) +
    percent(0x80 | (point & 63))
  );
}

/**
 * The largest cut position `<= index` at which an encoded path can end a wildcard prefix: never
 * inside a `%XX` escape and never between the bytes of one UTF-8 character (`/caf%C3*` would name
 * half a character). Depends only on `path.slice(0, result)`, so paths sharing a prefix agree.
 *
 * @param path - an encoded CloudFront path
 * @param index - the wanted cut, clamped to `[0, path.length]`
 */
export function floorCharBoundary(path: string, index: number): number {
  let cut = Math.max(0, Math.min(index, path.length));
  while (cut > 0) {
    if (path.charCodeAt(cut - 1) === 0x25) {
      cut -= 1;
      continue;
    }
    if (cut >= 2 && path.charCodeAt(cut - 2) === 0x25) {
      cut -= 2;
      continue;
    }
    const leadAt = incompleteUtf8Start(path, cut);
    if (leadAt === -1) return cut;
    cut = leadAt;
  }
  return 0;
}

/** Where the UTF-8 character cut at `cut` starts, when the cut falls inside it; -1 otherwise. */
function incompleteUtf8Start(path: string, cut: number): number {
  let at = cut;
  let continuations = 0;
  while (at >= 3 && path.charCodeAt(at - 3) === 0x25 && byteClass(path.charCodeAt(at - 2)) === 'continuation') {
    continuations++;
    at -= 3;
  }
  if (at < 3 || path.charCodeAt(at - 3) !== 0x25) return -1;
  const kind = byteClass(path.charCodeAt(at - 2));
  const needed = kind === 'lead2' ? 1 : kind === 'lead3' ? 2 : kind === 'lead4' ? 3 : 0;
  return continuations < needed ? at - 3 : -1;
}

/** Classifies a UTF-8 byte by the first hex digit of its escape. */
function byteClass(firstHexDigit: number): 'ascii' | 'continuation' | 'lead2' | 'lead3' | 'lead4' {
  const upper = firstHexDigit >= 0x61 ? firstHexDigit - 0x20 : firstHexDigit;
  if (upper === 0x38 || upper === 0x39 || upper === 0x41 || upper === 0x42) return 'continuation';
  if (upper === 0x43 || upper === 0x44) return 'lead2';
  if (upper === 0x45) return 'lead3';
  if (upper === 0x46) return 'lead4';
  return 'ascii';
}
