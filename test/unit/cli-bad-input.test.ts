import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeyList } from '../../shared/cli/key-list.ts';
import { runLocal } from '../../shared/cli/local.ts';
import { EXIT } from '../../shared/cli/main.ts';
import { runPlan } from '../../shared/cli/plan.ts';
import { captureIo } from '../helpers/cli-io.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

function expectOneLine(stderr: string, message: RegExp): void {
  expect(stderr).toMatch(message);
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('invalidator plan with a bad key list', () => {
  it.each([
    [
      'binary garbage',
      bytes('a.html\n', [0xff, 0xfe, 0x80, 0x41], '\n'),
      /--changed k\.txt: line 2: expected UTF-8 text/,
    ],
    [
      'a NUL byte',
      bytes('a.html\nb.html\nc', [0], '.html\n'),
      /--changed k\.txt: line 3: expected an S3 key, got a NUL byte/,
    ],
    [
      'a key over 1,024 UTF-8 bytes',
      bytes('a.html\n', `${'é'.repeat(513)}\n`),
      /--changed k\.txt: line 2: expected an S3 key of at most 1024 UTF-8 bytes, got 1026/,
    ],
    [
      'a whitespace-only line',
      bytes('a.html\n\n  \t\nb.html\n'),
      /--changed k\.txt: line 3: expected a key or an empty line, got only whitespace/,
    ],
  ])('rejects %s: one line naming the line, exit 2, nothing on stdout', async (_name, content, message) => {
    // Prepare
    const captured = captureIo({ 'k.txt': content });
    // Act
    const code = await runPlan(['--changed', 'k.txt'], captured.io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expectOneLine(captured.stderr(), message);
    expect(captured.stdout()).toBe('');
  });

  it('checks --inventory and standard input the same way', async () => {
    // Prepare
    const captured = captureIo({ 'k.txt': 'a.html\n', 'all.txt': bytes('a.html\n', [0xc3], '\n') });
    const piped = captureIo({}, 'a.html\n \n');
    // Act
    const code = await runPlan(['--changed', 'k.txt', '--inventory', 'all.txt'], captured.io);
    const pipedCode = await runPlan(['--changed', '-'], piped.io);
    // Assess
    expect([code, pipedCode]).toEqual([EXIT.usage, EXIT.usage]);
    expectOneLine(captured.stderr(), /--inventory all\.txt: line 2: expected UTF-8 text/);
    expectOneLine(piped.stderr(), /--changed -: line 2: expected a key or an empty line/);
  });

  it('keeps what S3 allows: a 1,024-byte key, CRLF, a byte order mark, inner and edge spaces', () => {
    const long = 'k'.repeat(1024);
    const keys = parseKeyList('--changed k.txt', bytes([0xef, 0xbb, 0xbf], `${long}\r\n\r\n a b \n\n`));
    expect(keys).toEqual([long, ' a b ']);
  });
});

describe('flags with a value that starts with "-"', () => {
  it.each([
    [
      ['--changed', 'k.txt', '--max-paths', '-5'],
      /^invalidator plan: --max-paths: expected an integer from 1 to 3000, got "-5"/,
    ],
    [['--changed', 'k.txt', '--max-wildcards', '-1'], /--max-wildcards: expected an integer from 0 to 15, got "-1"/],
    [['--changed', 'k.txt', '--max-paths', '--json'], /--max-paths: expected a value, got the flag --json/],
  ])('plan %j: one line naming the flag, exit 2', async (argv, message) => {
    const captured = captureIo({ 'k.txt': 'a.html\n' });
    expect(await runPlan(argv, captured.io)).toBe(EXIT.usage);
    expectOneLine(captured.stderr(), message);
  });
});

describe('invalidator local with a bad folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-dir-'));
  const file = join(dir, 'file.txt');
  writeFileSync(file, 'x');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['--dir', join(dir, 'missing')], /^invalidator local: --dir .*missing: cannot read the folder \(ENOENT\)/],
    [['--dir', file], /^invalidator local: --dir .*file\.txt: expected a folder, got a file/],
    [
      ['--dir', dir, '--from', join(dir, 'nope')],
      /^invalidator local: --from .*nope: cannot read the folder \(ENOENT\)/,
    ],
    [['--dir', '-x'], /^invalidator local: --dir: expected a value, got the flag -x/],
    [
      ['--drain-seconds', '0.5'],
      /^invalidator local: --drain-seconds: expected a whole number of seconds from 0 to 3600, got "0.5"/,
    ],
  ])('%j: one line naming the flag, exit 2, before any server starts', async (argv, message) => {
    // Prepare
    const captured = captureIo();
    const started = Date.now();
    // Act
    const code = await runLocal(argv, captured.io);
    // Assess: no "Starting the local stack" line, so nothing was started.
    expect(code).toBe(EXIT.usage);
    expectOneLine(captured.stderr(), message);
    expect(captured.stdout()).toBe('');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
