import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../shared/local/stack.ts';
import { buildLocalSettings, uploadAll } from '../helpers/local-stack.ts';

const BUCKET = 'e2e-site';
// Mixed case, digits, punctuation and non-ASCII: locale order and UTF-8 byte order disagree on
// most neighbours here ("Zebra.txt" < "apple.txt" < "Ärger.txt" < "énorme.txt" by bytes).
const TREE: Readonly<Record<string, string>> = {
  'Zebra.txt': 'z',
  'apple.txt': 'a',
  'Apple/b.html': 'b',
  'apple/c.html': 'c',
  'B.css': 'b',
  'b-1.css': 'b1',
  'b_1.css': 'b_',
  'b.1.css': 'b.',
  '_hidden.txt': 'h',
  'Ärger.txt': 'ä',
  'énorme.txt': 'é',
  'docs/Index.html': 'I',
  'docs/index.html': 'i',
  'docs/README.md': 'R',
  'docs/readme.md': 'r',
  '10.txt': '10',
  '9.txt': '9',
};
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

async function listAll(stack: LocalStack, prefix: string, pageSize: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await stack.clients.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, MaxKeys: pageSize, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

describe('the local S3 with real sync tools', () => {
  let stack: LocalStack;
  let folder: string;

  beforeAll(async () => {
    stack = await startLocalStack({ settings: buildLocalSettings(), completionDelayMs: 200 });
    folder = mkdtempSync(join(tmpdir(), 'sync-tree-'));
    for (const [key, body] of Object.entries(TREE)) {
      mkdirSync(dirname(join(folder, key)), { recursive: true });
      writeFileSync(join(folder, key), body);
    }
  });

  afterAll(async () => {
    await stack?.stop();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('lists keys in UTF-8 byte order, page after page, as S3 does', async () => {
    // Prepare
    await uploadAll(stack.clients.s3, BUCKET, new Map(Object.entries(TREE).map(([key, body]) => [`sdk/${key}`, body])));

    // Act
    const keys = await listAll(stack, 'sdk/', 3);

    // Assess
    const expected = Object.keys(TREE)
      .map((key) => `sdk/${key}`)
      .sort(byBytes);
    expect(keys).toEqual(expected);
    const delimited = await stack.clients.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'sdk/', Delimiter: '/' }),
    );
    expect((delimited.CommonPrefixes ?? []).map((common) => common.Prefix)).toEqual([
      'sdk/Apple/',
      'sdk/apple/',
      'sdk/docs/',
    ]);
    await stack.waitForIdle();
  });

  it.skipIf(!awsCli)(
    '`aws s3 sync --delete` twice: the second run changes nothing and invalidates nothing',
    async () => {
      // Prepare
      const { endpoints } = stack;
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      const sync = async () => {
        const args = ['s3', 'sync', '.', `s3://${BUCKET}/cli/`, '--delete', '--endpoint-url', endpoints.aws];
        const { stdout } = await promisify(execFile)('aws', [...args, '--no-progress'], { env, cwd: folder });
        await stack.waitForIdle();
        return stdout.trim();
      };
      await uploadAll(stack.clients.s3, BUCKET, new Map([['cli/stale.txt', 'gone from the folder']]));
      await stack.waitForIdle();

      // Act: a first run uploads the tree and deletes the stale key; the second has nothing to do.
      const first = await sync();
      const invalidationsAfterFirst = stack.emulator.invalidations().length;
      const second = await sync();

      // Assess
      const lines = first.split('\n');
      expect(lines.filter((line) => line.startsWith('upload: '))).toHaveLength(Object.keys(TREE).length);
      expect(lines.filter((line) => !line.startsWith('upload: '))).toEqual([`delete: s3://${BUCKET}/cli/stale.txt`]);
      expect(second).toBe('');
      expect(stack.emulator.invalidations()).toHaveLength(invalidationsAfterFirst);
      expect(await listAll(stack, 'cli/', 1000)).toEqual(
        Object.keys(TREE)
          .map((key) => `cli/${key}`)
          .sort(byBytes),
      );
    },
  );
});
