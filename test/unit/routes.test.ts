import { describe, expect, it } from 'vitest';
import { RouteConfigError } from '../../shared/domain/errors.ts';
import { parseRouteConfig } from '../../shared/domain/route-config.ts';
import {
  type CompiledRoute,
  compileRoutes,
  createCatchAllRouteTable,
  inventoryPrefixOf,
  routeChange,
  SKIP_REASON,
  servedPathsForKey,
} from '../../shared/domain/routes.ts';

const DIST = 'E2QWRUHAPOMQZL';
const OTHER = 'E1OTHERDISTRO1';
const HASHED = 'assets/**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*';

function tableOf(...routes: Record<string, unknown>[]) {
  return compileRoutes({ routes: routes.map((route) => ({ bucket: 'site', distributionId: DIST, ...route })) });
}

function pathsOf(table: ReturnType<typeof tableOf>, key: string, bucket = 'site'): readonly string[] {
  const [hit] = routeChange(table, bucket, key);
  if (hit === undefined || !hit.ok) throw new Error(`expected paths for ${key}, got ${JSON.stringify(hit)}`);
  return hit.servedPaths;
}

describe('routeChange', () => {
  describe('a plain route', () => {
    it('serves a key at / + key on the route distribution', () => {
      // Prepare
      const table = tableOf({});
      // Act
      const hits = routeChange(table, 'site', 'css/app.css');
      // Assess
      expect(hits).toEqual([{ ok: true, routeIndex: 0, distributionId: DIST, servedPaths: ['/css/app.css'] }]);
    });

    it('percent-encodes what CloudFront needs encoded', () => {
      // Prepare
      const table = tableOf({});
      // Act
      const paths = pathsOf(table, 'docs/a b?.html');
      // Assess
      expect(paths).toEqual(['/docs/a%20b%3F.html']);
    });

    it('skips an unknown bucket as no-route', () => {
      // Prepare
      const table = tableOf({});
      // Act
      const hits = routeChange(table, 'other-bucket', 'a.html');
      // Assess
      expect(hits).toEqual([{ ok: false, routeIndex: null, distributionId: null, reason: SKIP_REASON.noRoute }]);
    });

    it('skips a key outside every prefix of the bucket as no-route', () => {
      // Prepare
      const table = tableOf({ prefix: 'docs/' });
      // Act
      const hits = routeChange(table, 'site', 'blog/a.html');
      // Assess
      expect(hits).toEqual([{ ok: false, routeIndex: null, distributionId: null, reason: SKIP_REASON.noRoute }]);
    });
  });

  describe('index documents', () => {
    it('also invalidates the directory for docs/index.html', () => {
      // Act
      const paths = pathsOf(tableOf({}), 'docs/index.html');
      // Assess
      expect(paths).toEqual(['/docs/index.html', '/docs/']);
    });

    it('also invalidates / for the root index.html', () => {
      // Act
      const paths = pathsOf(tableOf({}), 'index.html');
      // Assess
      expect(paths).toEqual(['/index.html', '/']);
    });

    it('adds /docs without the slash when indexNoSlash is set', () => {
      // Act
      const paths = pathsOf(tableOf({ indexNoSlash: true }), 'docs/index.html');
      // Assess
      expect(paths).toEqual(['/docs/index.html', '/docs/', '/docs']);
    });

    it('uses the configured index document name', () => {
      // Prepare
      const table = tableOf({ indexDocument: 'default.htm' });
      // Act
      const paths = [pathsOf(table, 'a/default.htm'), pathsOf(table, 'a/index.html')];
      // Assess
      expect(paths).toEqual([['/a/default.htm', '/a/'], ['/a/index.html']]);
    });

    it('adds nothing when index documents are off', () => {
      // Act
      const paths = pathsOf(tableOf({ indexDocument: null }), 'docs/index.html');
      // Assess
      expect(paths).toEqual(['/docs/index.html']);
    });

    it('does not treat a file merely ending in the name as an index document', () => {
      // Act
      const paths = pathsOf(tableOf({}), 'docs/myindex.html');
      // Assess
      expect(paths).toEqual(['/docs/myindex.html']);
    });
  });

  describe('origin path', () => {
    it('strips the origin path from the served path', () => {
      // Prepare
      const table = tableOf({ originPath: '/prod' });
      // Act
      const paths = [pathsOf(table, 'prod/a.html'), pathsOf(table, 'prod/index.html')];
      // Assess
      expect(paths).toEqual([['/a.html'], ['/index.html', '/']]);
    });

    it('skips keys outside the origin path', () => {
      // Prepare
      const table = tableOf({ originPath: '/prod' });
      // Act
      const hits = [routeChange(table, 'site', 'staging/a.html'), routeChange(table, 'site', 'production.html')];
      // Assess
      expect(hits.flat().map((hit) => (hit.ok ? 'ok' : hit.reason))).toEqual([
        SKIP_REASON.outsideOriginPath,
        SKIP_REASON.outsideOriginPath,
      ]);
    });
  });

  describe('exclude globs', () => {
    it('skips fingerprinted assets and keeps the rest', () => {
      // Prepare
      const table = tableOf({ exclude: [HASHED] });
      // Act
      const hashed = routeChange(table, 'site', 'assets/js/app.3f2a9c1b.js');
      const plain = routeChange(table, 'site', 'assets/js/app.js');
      // Assess
      expect(hashed).toEqual([{ ok: false, routeIndex: 0, distributionId: DIST, reason: SKIP_REASON.excluded }]);
      expect(plain[0]).toMatchObject({ ok: true, servedPaths: ['/assets/js/app.js'] });
    });

    it('matches dot files too', () => {
      // Prepare
      const table = tableOf({ exclude: ['private/**'] });
      // Act
      const hits = routeChange(table, 'site', 'private/.env');
      // Assess
      expect(hits[0]).toMatchObject({ ok: false, reason: SKIP_REASON.excluded });
    });
  });

  describe('trigger routes', () => {
    it('issues exactly the configured paths when a trigger key changes', () => {
      // Prepare
      const table = tableOf({ trigger: { keys: ['deploy/done.json'], paths: ['/*'] } });
      // Act
      const hits = routeChange(table, 'site', 'deploy/done.json');
      // Assess
      expect(hits).toEqual([{ ok: true, routeIndex: 0, distributionId: DIST, servedPaths: ['/*'] }]);
    });

    it('ignores the other keys of the route', () => {
      // Prepare
      const table = tableOf({ trigger: { keys: ['deploy/done.json'], paths: ['/*'] } });
      // Act
      const hits = routeChange(table, 'site', 'index.html');
      // Assess
      expect(hits).toEqual([{ ok: false, routeIndex: 0, distributionId: DIST, reason: SKIP_REASON.notATrigger }]);
    });
  });

  describe('a bucket feeding several routes', () => {
    it('returns one hit per route whose prefix matches', () => {
      // Prepare
      const table = tableOf(
        { distributionId: DIST },
        { distributionId: OTHER, prefix: 'docs/', originPath: '/docs' },
        { distributionId: OTHER, prefix: 'blog/' },
      );
      // Act
      const hits = routeChange(table, 'site', 'docs/guide.html');
      // Assess
      expect(hits).toEqual([
        { ok: true, routeIndex: 0, distributionId: DIST, servedPaths: ['/docs/guide.html'] },
        { ok: true, routeIndex: 1, distributionId: OTHER, servedPaths: ['/guide.html'] },
      ]);
    });
  });
});

describe('servedPathsForKey', () => {
  describe('for an inventory listing', () => {
    it('maps keys through the origin path and index documents, ignoring exclude', () => {
      // Prepare
      const table = tableOf({ originPath: '/prod', exclude: ['**/*.js'] });
      const route = table.routes[0] as CompiledRoute;
      // Act
      const served = ['prod/app.js', 'prod/docs/index.html', 'other/x.html'].map((key) =>
        servedPathsForKey(route, key),
      );
      // Assess
      expect(served).toEqual([['/app.js'], ['/docs/index.html', '/docs/'], []]);
      expect(inventoryPrefixOf(route)).toBe('prod/');
    });
  });
});

describe('createCatchAllRouteTable', () => {
  describe('without a configuration', () => {
    it('maps any bucket and key to / + key on one distribution', () => {
      // Prepare
      const table = createCatchAllRouteTable('-', 'index.html');
      // Act
      const hits = routeChange(table, 'whatever', 'docs/index.html');
      // Assess
      expect(hits).toEqual([
        { ok: true, routeIndex: 0, distributionId: '-', servedPaths: ['/docs/index.html', '/docs/'] },
      ]);
    });
  });
});

describe('compileRoutes', () => {
  describe('with a valid configuration', () => {
    it('fills in the defaults', () => {
      // Act
      const [route] = parseRouteConfig([{ bucket: 'site', distributionId: 'auto' }]);
      // Assess
      expect(route).toEqual({
        bucket: 'site',
        prefix: '',
        distributionId: 'auto',
        originPath: '',
        indexDocument: 'index.html',
        indexNoSlash: false,
        exclude: [],
        trigger: null,
        inventory: true,
        maxStalenessSeconds: undefined,
      });
    });

    it("keeps a route's own maxStalenessSeconds and leaves the stage's to a route without one", () => {
      // Act
      const [own, inherits] = parseRouteConfig([
        { bucket: 'site', distributionId: DIST, maxStalenessSeconds: 900 },
        { bucket: 'site', prefix: 'docs/', distributionId: DIST, maxStalenessSeconds: null },
      ]);
      // Assess
      expect(own?.maxStalenessSeconds).toBe(900);
      expect(inherits?.maxStalenessSeconds).toBeUndefined();
    });

    it('lists the bucket unless the route turns it off or is a trigger route', () => {
      // Act
      const routes = parseRouteConfig([
        { bucket: 'site', distributionId: 'auto' },
        { bucket: 'site', distributionId: 'auto', inventory: false },
        { bucket: 'site', distributionId: 'auto', trigger: { keys: ['deploy.done'], paths: ['/*'] } },
        { bucket: 'site', distributionId: 'auto', trigger: { keys: ['deploy.done'], paths: ['/*'] }, inventory: true },
      ]);
      // Assess
      expect(routes.map((route) => route.inventory)).toEqual([true, false, false, true]);
    });

    it('accepts its own output again', () => {
      // Prepare
      const table = tableOf({ originPath: '/prod', exclude: [HASHED], trigger: { keys: ['k'], paths: ['/a', '/b*'] } });
      // Act
      const again = compileRoutes(table.routes.map((route) => route.config));
      // Assess
      expect(again.routes.map((route) => route.config)).toEqual(table.routes.map((route) => route.config));
    });
  });

  describe('with a bad configuration', () => {
    it.each([
      [{}, 'routes: expected a non-empty array of routes, got undefined'],
      [{ routes: [] }, 'routes: expected a non-empty array of routes, got an array'],
      [{ routes: ['x'] }, 'routes[0]: expected an object, got "x"'],
      [
        {
          routes: [
            { bucket: 'site', distributionId: DIST },
            { bucket: 'site', distributionId: DIST },
            { bucket: 'site', distributionId: 'x' },
          ],
        },
        'routes[2].distributionId: expected a CloudFront distribution id like E2QWRUHAPOMQZL or "auto", got "x"',
      ],
      [
        { routes: [{ bucket: 'My_Bucket', distributionId: DIST }] },
        'routes[0].bucket: expected an S3 bucket name (3-63 characters of a-z, 0-9, "." and "-"), got "My_Bucket"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, exlcude: [] }] },
        'routes[0].exlcude: expected one of the fields bucket, prefix, distributionId, originPath, indexDocument, indexNoSlash, exclude, trigger, inventory, maxStalenessSeconds, got an unknown field',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, prefix: '/docs' }] },
        'routes[0].prefix: expected a key prefix without a leading "/", like "docs/", got "/docs"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, originPath: 'prod/' }] },
        'routes[0].originPath: expected a path that starts with "/" and does not end with "/", like "/prod", got "prod/"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, indexDocument: 'a/index.html' }] },
        'routes[0].indexDocument: expected a file name without "/" (like "index.html") or null to turn index documents off, got "a/index.html"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, indexNoSlash: 'yes' }] },
        'routes[0].indexNoSlash: expected true or false, got "yes"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, exclude: ['ok/**', ''] }] },
        'routes[0].exclude[1]: expected a glob (a non-empty string), got ""',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, exclude: ['ok/**', '**/*.{js,css}'] }] },
        'routes[0].exclude: expected a glob without `\\ ( ) | { } ! + " ,`, `***` or a leading `./` (braces, extglobs, negation and escapes are not supported; write one glob per alternative), got "**/*.{js,css}"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, trigger: { keys: [], paths: ['/*'] } }] },
        'routes[0].trigger.keys: expected a non-empty array of strings, got an array',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, trigger: { keys: ['k'], paths: ['/a*b'] } }] },
        'routes[0].trigger.paths[0]: expected a CloudFront path: starts with "/", at most 4000 characters, "*" only at the end, unsafe characters percent-encoded, got "/a*b"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, trigger: { keys: ['k'], paths: ['/a b'] } }] },
        'routes[0].trigger.paths[0]: expected a CloudFront path: starts with "/", at most 4000 characters, "*" only at the end, unsafe characters percent-encoded, got "/a b"',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, trigger: { keys: ['k'], paths: ['/a'], extra: 1 } }] },
        'routes[0].trigger.extra: expected one of the fields keys, paths, got an unknown field',
      ],
      [
        { routes: [{ bucket: 'site', distributionId: DIST, inventory: 1 }] },
        'routes[0].inventory: expected true or false, got 1',
      ],
      ...[-1, 1.5, '900', 31 * 86_400 + 1].map((value): [object, string] => [
        { routes: [{ bucket: 'site', distributionId: DIST, maxStalenessSeconds: value }] },
        `routes[0].maxStalenessSeconds: expected a whole number of seconds from 0 to 2678400 (31 days), or null for the stage's maxStalenessSeconds, got ${typeof value === 'string' ? `"${value}"` : value}`,
      ]),
    ])('rejects %j with one clear message', (config, message) => {
      // Act
      const act = () => compileRoutes(config);
      // Assess
      expect(act).toThrow(RouteConfigError);
      expect(act).toThrow(message);
    });

    it('cuts long values in the message', () => {
      // Act
      const act = () => compileRoutes([{ bucket: 'site', distributionId: 'x'.repeat(500) }]);
      // Assess
      expect(act).toThrow(`got "${'x'.repeat(60)}…"`);
    });
  });
});
