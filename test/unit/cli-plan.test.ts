import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../../shared/cli/main.ts';
import { runPlan } from '../../shared/cli/plan.ts';
import { NO_INVENTORY_NOTE } from '../../shared/cli/plan-format.ts';
import { captureIo } from '../helpers/cli-io.ts';
import {
  buildS3Notification,
  buildS3Record,
  buildSqsEvent,
  buildSqsRecord,
  buildTestEvent,
} from '../helpers/events.ts';

const DIST = 'E2QWRUHAPOMQZL';
const OTHER = 'E1OTHERDISTRO1';

function config(...routes: Record<string, unknown>[]): string {
  return JSON.stringify({ routes: routes.map((route) => ({ bucket: 'site', distributionId: DIST, ...route })) });
}

async function planJson(argv: string[], files: Record<string, string>, stdin = '') {
  const captured = captureIo(files, stdin);
  const code = await runPlan([...argv, '--json'], captured.io);
  expect(captured.stderr()).toBe('');
  expect(code).toBe(EXIT.ok);
  return JSON.parse(captured.stdout());
}

describe('runPlan', () => {
  describe('--help', () => {
    it('documents every flag and exits 0', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runPlan(['--help'], captured.io);
      // Assess
      expect(code).toBe(EXIT.ok);
      for (const flag of [
        '--changed',
        '--event',
        '--config',
        '--inventory',
        '--previous-inventory',
        '--max-paths',
        '--max-wildcards',
        '--index-document',
        '--json',
      ]) {
        expect(captured.stdout()).toContain(flag);
      }
    });
  });

  describe('--json fields', () => {
    it('names every field of a plan, new-key figures included, in --help and in the README', async () => {
      // Prepare: a new key, so every figure is there
      const files = { 'keys.txt': 'a.html\nb.html\n', 'all.txt': 'a.html\nb.html\n', 'before.txt': 'a.html\n' };
      const help = captureIo();
      await runPlan(['--help'], help.io);
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
      const planBullet = readme.slice(readme.indexOf('- `invalidator plan'), readme.indexOf('- `invalidator report'));
      // Act
      const json = await planJson(
        ['--changed', 'keys.txt', '--inventory', 'all.txt', '--previous-inventory', 'before.txt'],
        files,
      );
      // Assess
      const fields = [...Object.keys(json), ...Object.keys(json.plans[0])];
      expect(json.plans[0]).toMatchObject({ newKeys: 1, free: 1, newKeyPathsAvoided: 1 });
      expect(fields.filter((field) => !help.stdout().includes(`"${field}"`))).toEqual([]);
      expect(fields.filter((field) => !planBullet.includes(`"${field}"`))).toEqual([]);
    });
  });

  describe('keys without a configuration', () => {
    it('plans / + key on distribution "-" and prints the JSON shape', async () => {
      // Act
      const json = await planJson(['--changed', 'keys.txt'], { 'keys.txt': 'css/app.css\n\nimg/logo.png\r\n' });
      // Assess
      expect(json).toEqual({
        plans: [
          {
            distributionId: '-',
            paths: ['/css/app.css', '/img/logo.png'],
            exactPaths: 2,
            wildcardPaths: 0,
            changed: 2,
            newKeys: 0,
            free: 0,
            collateral: null,
            newKeyPathsAvoided: 0,
            inventoryPathsSaved: null,
          },
        ],
        skipped: [],
      });
    });

    it('reads keys from standard input with "-"', async () => {
      // Act
      const json = await planJson(['--changed', '-'], {}, 'a b.html\n');
      // Assess
      expect(json.plans[0].paths).toEqual(['/a%20b.html']);
    });

    it('adds index-document paths, with the name from --index-document', async () => {
      // Prepare
      const files = { 'keys.txt': 'index.html\ndocs/index.html\ndocs/default.htm\n' };
      // Act
      const byDefault = await planJson(['--changed', 'keys.txt'], files);
      const renamed = await planJson(['--changed', 'keys.txt', '--index-document', 'default.htm'], files);
      // Assess
      expect(byDefault.plans[0].paths).toEqual(['/', '/docs/', '/docs/default.htm', '/docs/index.html', '/index.html']);
      expect(renamed.plans[0].paths).toEqual(['/docs/', '/docs/default.htm', '/docs/index.html', '/index.html']);
    });

    it('uses wildcards when --max-paths is smaller than the change', async () => {
      // Prepare
      const keys = Array.from({ length: 30 }, (_, i) => `icons/arrow-${i}.svg`).join('\n');
      // Act
      const json = await planJson(['--changed', 'keys.txt', '--max-paths', '1'], { 'keys.txt': keys });
      // Assess
      expect(json.plans[0]).toMatchObject({ paths: ['/icons/arrow-*'], exactPaths: 0, wildcardPaths: 1, changed: 30 });
    });

    it('reports collateral from an inventory', async () => {
      // Prepare
      const files = { 'keys.txt': 'a/1.js\na/2.js\n', 'inventory.txt': 'a/1.js\na/2.js\na/3.js\nb/1.js\n' };
      // Act
      const json = await planJson(['--changed', 'keys.txt', '--inventory', 'inventory.txt', '--max-paths', '1'], files);
      // Assess
      expect(json.plans[0]).toMatchObject({ paths: ['/a/*'], collateral: 1 });
    });

    it('says how many paths the inventory saved against the same budget without it', async () => {
      // Prepare: the whole folder changed, so one wildcard evicts nothing
      const files = { 'keys.txt': 'a/1.js\na/2.js\na/3.js\n', 'inventory.txt': 'a/1.js\na/2.js\na/3.js\nb/1.js\n' };
      // Act
      const json = await planJson(['--changed', 'keys.txt', '--inventory', 'inventory.txt'], files);
      // Assess: without the listing the three paths stay exact
      expect(json.plans[0]).toMatchObject({ paths: ['/a/*'], collateral: 0, inventoryPathsSaved: 2 });
    });
  });

  describe('--previous-inventory', () => {
    const files = {
      'keys.txt': 'a/1.js\na/2.js\na/3.js\ngone.js\nblip.js\n',
      'inventory.txt': 'a/1.js\na/2.js\na/3.js\na/4.js\nb/1.js\n',
      'previous.txt': 'a/1.js\na/4.js\nb/1.js\ngone.js\n',
    };

    it('leaves new keys without a path and counts them', async () => {
      // Act
      const json = await planJson(
        ['--changed', 'keys.txt', '--inventory', 'inventory.txt', '--previous-inventory', 'previous.txt'],
        files,
      );
      // Assess: a/2 and a/3 are new; a/1 was there (modified), gone.js deleted, blip.js neither before nor after.
      // Covered, a/2 and a/3 would cost two exact paths more (a/* would evict a/4): two paths avoided.
      expect(json.plans[0]).toMatchObject({
        paths: ['/a/1.js', '/blip.js', '/gone.js'],
        changed: 3,
        newKeys: 2,
        free: 2,
        collateral: 0,
        newKeyPathsAvoided: 2,
        inventoryPathsSaved: 0,
      });
    });

    it('lets a wildcard sweep new keys without counting them as collateral', async () => {
      // Prepare: a/1 and a/2 modified, a/3 new, b/1 unchanged
      const sweep = {
        'keys.txt': 'a/1.js\na/2.js\na/3.js\n',
        'inventory.txt': 'a/1.js\na/2.js\na/3.js\nb/1.js\n',
        'previous.txt': 'a/1.js\na/2.js\nb/1.js\n',
      };
      // Act
      const argv = ['--changed', 'keys.txt', '--inventory', 'inventory.txt', '--max-paths', '1'];
      const json = await planJson([...argv, '--previous-inventory', 'previous.txt'], sweep);
      // Assess
      expect(json.plans[0]).toMatchObject({ paths: ['/a/*'], changed: 2, newKeys: 1, free: 1, collateral: 0 });
    });

    it('says in the table how many changed keys were new', async () => {
      // Prepare
      const captured = captureIo(files);
      // Act
      const code = await runPlan(['--changed', 'keys.txt', '--previous-inventory', 'previous.txt'], captured.io);
      // Assess: without --inventory, blip.js is new too (absent before)
      expect(code).toBe(EXIT.ok);
      expect(captured.stdout()).toContain(
        'Distribution -: 5 changed objects; 3 new (free: 3 paths need no invalidation), 2 changed paths to cover',
      );
      expect(captured.stdout()).toContain('Paths avoided: new keys: 3');
    });
  });

  describe('keys with a configuration', () => {
    it('routes keys to each distribution and lists the skipped ones', async () => {
      // Prepare
      const files = {
        'routes.json': config(
          { prefix: 'www/', originPath: '/www', exclude: ['www/assets/**'] },
          { distributionId: OTHER, prefix: 'docs/' },
        ),
        'keys.txt': 'www/index.html\nwww/assets/app.1234abcd.js\ndocs/guide.html\nother/x.html\n',
      };
      // Act
      const json = await planJson(['--changed', 'keys.txt', '--config', 'routes.json'], files);
      // Assess
      expect(
        json.plans.map((plan: { distributionId: string; paths: string[] }) => [plan.distributionId, plan.paths]),
      ).toEqual([
        [OTHER, ['/docs/guide.html']],
        [DIST, ['/', '/index.html']],
      ]);
      expect(json.skipped).toEqual([
        { key: 'www/assets/app.1234abcd.js', reason: 'excluded' },
        { key: 'other/x.html', reason: 'no-route' },
      ]);
    });

    it('takes the wildcard budget from wildcardSafetyMargin', async () => {
      // Prepare: a margin of 15 leaves no wildcard, so 2 keys cannot fit in 1 path
      const files = {
        'routes.json': JSON.stringify({ ...JSON.parse(config({})), wildcardSafetyMargin: 15 }),
        'keys.txt': 'a\nb\n',
      };
      const captured = captureIo(files);
      // Act
      const code = await runPlan(['--changed', 'keys.txt', '--config', 'routes.json', '--max-paths', '1'], captured.io);
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(captured.stderr().trim().split('\n')).toHaveLength(1);
    });
  });

  describe('--event', () => {
    it('shows what the collector does with an SQS event, bad messages included', async () => {
      // Prepare
      const event = buildSqsEvent([
        buildSqsRecord(buildS3Notification([buildS3Record({ bucket: 'site', key: 'blog/my post.html' })]), {
          messageId: 'm-1',
        }),
        buildSqsRecord('not json', { messageId: 'm-2' }),
        buildSqsRecord(buildTestEvent('site'), { messageId: 'm-3' }),
      ]);
      const files = { 'event.json': JSON.stringify(event), 'routes.json': config({}) };
      // Act
      const json = await planJson(['--event', 'event.json', '--config', 'routes.json'], files);
      // Assess
      expect(json.plans).toEqual([
        {
          distributionId: DIST,
          paths: ['/blog/my%20post.html'],
          exactPaths: 1,
          wildcardPaths: 0,
          changed: 1,
          newKeys: 0,
          free: 0,
          collateral: null,
          newKeyPathsAvoided: 0,
          inventoryPathsSaved: null,
        },
      ]);
      expect(json.skipped).toEqual([
        { messageId: 'm-2', reason: 'body: expected JSON, got text that does not parse' },
        { messageId: 'm-3', reason: 's3:TestEvent (acknowledged silently)' },
      ]);
    });

    it('accepts a bare S3 notification', async () => {
      // Prepare
      const notification = buildS3Notification([
        buildS3Record({ key: 'a.html' }),
        buildS3Record({ key: 'b', encodedKey: '%zz' }),
      ]);
      // Act
      const json = await planJson(['--event', 'n.json'], { 'n.json': JSON.stringify(notification) });
      // Assess
      expect(json.plans[0].paths).toEqual(['/a.html']);
      expect(json.skipped).toHaveLength(1);
      expect(json.skipped[0].messageId).toBe('-');
    });

    it('rejects a file that is no event at all', async () => {
      // Prepare
      const captured = captureIo({ 'x.json': '{"hello":"world"}' });
      // Act
      const code = await runPlan(['--event', 'x.json'], captured.io);
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(captured.stderr()).toMatch(/^invalidator plan: --event x\.json: expected an SQS event or an S3 event; /);
    });
  });

  describe('readable output', () => {
    it('prints a table and the savings against one path per object', async () => {
      // Prepare
      const keys = Array.from({ length: 400 }, (_, i) => `img/p${i}.jpg`).join('\n');
      const captured = captureIo({ 'keys.txt': keys });
      // Act
      const code = await runPlan(['--changed', 'keys.txt', '--max-paths', '1'], captured.io);
      // Assess
      expect(code).toBe(EXIT.ok);
      const text = captured.stdout();
      expect(text).toContain('Distribution -: 400 changed objects, 400 changed paths');
      expect(text).toMatch(/PATH\s+TYPE\s+COVERS\s+COLLATERAL/);
      expect(text).toMatch(/\/img\/p\*\s+wildcard\s+400\s+-/);
      expect(text).toContain('Savings: 1 path instead of 400 (one path per changed object): 399 paths fewer, $1.995');
      expect(text).toContain('at $0.005/path beyond the free tier');
    });

    it('says why a plan without --inventory keeps exact paths, and only then', async () => {
      // Prepare: a whole folder changed; without the listing the planner cannot know it is whole.
      const keys = Array.from({ length: 30 }, (_, i) => `img/p${i}.jpg`).join('\n');
      const without = captureIo({ 'keys.txt': keys });
      const withInventory = captureIo({ 'keys.txt': keys, 'all.txt': `${keys}\nindex.html\n` });
      // Act
      await runPlan(['--changed', 'keys.txt'], without.io);
      await runPlan(['--changed', 'keys.txt', '--inventory', 'all.txt'], withInventory.io);
      // Assess
      expect(without.stdout()).toContain('30 invalidation paths (30 exact, 0 wildcards)');
      expect(without.stdout()).toContain(NO_INVENTORY_NOTE);
      expect(withInventory.stdout()).toContain('1 invalidation path (0 exact, 1 wildcard)');
      expect(withInventory.stdout()).not.toContain('No --inventory');
    });
  });

  describe('bad usage', () => {
    it.each([
      [['--changed', 'k.txt', '--bogus'], /^invalidator plan: Unknown option '--bogus'/],
      [[], /^invalidator plan: expected --changed FILE\|- or --event FILE\|-/],
      [['--changed', 'k.txt', '--event', 'e.json'], /expected either --changed or --event, got both/],
      [['--changed', 'k.txt', '--max-paths', 'ten'], /--max-paths: expected an integer from 1 to 3000, got "ten"/],
      [['--changed', 'k.txt', '--max-paths', '0'], /--max-paths: expected an integer from 1 to 3000, got "0"/],
      [['--changed', 'k.txt', '--max-wildcards', '16'], /--max-wildcards: expected an integer from 0 to 15, got "16"/],
      [['--changed', 'missing.txt'], /--changed missing\.txt: cannot read the file \(ENOENT\)/],
      [
        ['--changed', 'k.txt', '--config', 'bad.json'],
        /--config bad\.json: routes\[0\]\.distributionId: expected a CloudFront distribution id/,
      ],
      [
        ['--changed', 'k.txt', '--config', 'junk.json'],
        /--config junk\.json: expected JSON, got text that does not parse/,
      ],
      [['--changed', '-', '--inventory', '-'], /at most one flag reading standard input/],
      [['--changed', 'k.txt', '--index-document', 'a/b'], /--index-document: expected a file name without "\/"/],
      [
        ['--changed', 'k.txt', '--max-paths', '1', '--max-wildcards', '0'],
        /^invalidator plan: no plan covers 2 changed paths/,
      ],
      [['--changed', 'k.txt', 'extra'], /Unexpected argument 'extra'/],
    ])('rejects %j with exit 2 and one line on stderr', async (argv, message) => {
      // Prepare
      const files = {
        'k.txt': 'a.html\nb.html\n',
        'bad.json': JSON.stringify({ routes: [{ bucket: 'site', distributionId: 'x' }] }),
        'junk.json': '{routes',
      };
      const captured = captureIo(files);
      // Act
      const code = await runPlan(argv, captured.io);
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(captured.stderr()).toMatch(message);
      expect(captured.stderr().endsWith('\n')).toBe(true);
      expect(captured.stderr().trimEnd().split('\n')).toHaveLength(1);
      expect(captured.stdout()).toBe('');
    });
  });
});

describe('runCli', () => {
  describe('dispatch', () => {
    it('runs plan through the top-level command', async () => {
      // Prepare
      const captured = captureIo({ 'k.txt': 'a.html\n' });
      // Act
      const code = await runCli(['plan', '--changed', 'k.txt', '--json'], captured.io);
      // Assess
      expect(code).toBe(EXIT.ok);
      expect(JSON.parse(captured.stdout()).plans[0].paths).toEqual(['/a.html']);
    });

    it('rejects an unknown command with exit 2', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runCli(['nope'], captured.io);
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(captured.stderr()).toBe("invalidator: unknown command 'nope': try --help\n");
    });
  });
});

describe('invalidator plan (bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invalidator-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('as a process', () => {
    it('prints the JSON plan and exits 0, or exits 2 on a bad flag', () => {
      // Prepare
      const keys = join(dir, 'keys.txt');
      writeFileSync(keys, 'docs/index.html\n');
      const inventory = join(dir, 'inventory.txt');
      writeFileSync(inventory, 'docs/a.html\r\ndocs/index.html\r\n');
      const bin = join(import.meta.dirname, '../../shared/cli/bin.mjs');
      // Act
      const ok = spawnSync(
        process.execPath,
        [bin, 'plan', '--changed', keys, '--inventory', inventory, '--max-paths', '1', '--json'],
        { encoding: 'utf8' },
      );
      const bad = spawnSync(process.execPath, [bin, 'plan', '--changed', keys, '--max-paths', 'x'], {
        encoding: 'utf8',
      });
      // Assess
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(EXIT.ok);
      expect(JSON.parse(ok.stdout).plans[0]).toMatchObject({ paths: ['/docs/*'], collateral: 1 });
      expect(bad.status).toBe(EXIT.usage);
      expect(bad.stderr).toBe('invalidator plan: --max-paths: expected an integer from 1 to 3000, got "x"\n');
    }, 120_000); // two Node processes loading the TypeScript sources: 20-57 s at load 15 on 2 cores
  });
});
