import { UsageError } from './usage-error.ts';

/** S3's limit on an object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const NUL = 0x00;

/**
 * Reads a key list (`--changed`, `--inventory`): UTF-8, one S3 key per line, `\r\n` tolerated, a
 * leading byte order mark and empty lines skipped, no other trimming. Anything that cannot be an S3
 * key stops the command with one line naming the flag and the line number: bytes that are not
 * UTF-8 or a NUL (a binary file), a key over 1,024 bytes, a line of only whitespace (a key of
 * spaces is legal in S3 but is, in a hand-made list, almost always a stray indent or a blank line).
 *
 * @param flag - the flag and file, as the message names them (`--changed keys.txt`)
 * @throws UsageError on the first bad line
 */
export function parseKeyList(flag: string, bytes: Uint8Array): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const keys: string[] = [];
  let start = 0;
  for (let line = 1; start < bytes.length; line++) {
    const newline = bytes.indexOf(NEWLINE, start);
    const next = newline === -1 ? bytes.length : newline + 1;
    let end = newline === -1 ? bytes.length : newline;
    if (end > start && bytes[end - 1] === RETURN) end--;
    const key = checkedKey(flag, line, bytes.subarray(start, end), decoder);
    if (key !== '') keys.push(key);
    start = next;
  }
  return keys;
}

function checkedKey(flag: string, line: number, raw: Uint8Array, decoder: InstanceType<typeof TextDecoder>): string {
  const at = `${flag}: line ${line}:`;
  if (raw.includes(NUL)) throw new UsageError(`${at} expected an S3 key, got a NUL byte (a binary file?)`);
  let key: string;
  try {
    key = decoder.decode(raw);
  } catch {
    throw new UsageError(`${at} expected UTF-8 text, got bytes that are not UTF-8 (a binary file?)`);
  }
  const bom = line === 1 && key.charCodeAt(0) === 0xfeff;
  if (bom) key = key.slice(1);
  const size = raw.length - (bom ? 3 : 0);
  if (size > MAX_KEY_BYTES) {
    throw new UsageError(`${at} expected an S3 key of at most ${MAX_KEY_BYTES} UTF-8 bytes, got ${size}`);
  }
  if (key !== '' && key.trim() === '') {
    throw new UsageError(`${at} expected a key or an empty line, got only whitespace`);
  }
  return key;
}
