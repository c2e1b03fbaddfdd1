import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { setEnv } from '../helpers/env.ts';

const require = createRequire(import.meta.url);
const plugins = require('../../shared/deploy/esbuild-plugins.cjs') as Plugin[] & {
  literalSchemaKeys: (source: string) => { text: string; rewritten: number };
  compactErrorClasses: (source: string) => { text: string; rewritten: number };
  middyGlobalBuiltins: (source: string) => string;
};
const ROOT = join(import.meta.dirname, '../..');
// Inside the repository, so the bundles' own imports (none left after bundling) would resolve too.
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.tmp', 'esbuild-plugins-'));
const CLIENTS = ['cloudfront', 's3', 'sqs', 'sns', 'dynamodb', 'codepipeline'] as const;
const schemaFile = (client: string) =>
  join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'schemas', 'schemas_0.js');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` (resolved from the repository), with or without the plugins, and imports it. */
async function bundleAndImport(name: string, source: string, withPlugins: boolean): Promise<Record<string, unknown>> {
  const outfile = join(dir, `${name}-${withPlugins ? 'trimmed' : 'original'}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    plugins: withPlugins ? plugins : [],
    logLevel: 'error',
  });
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

/** Everything a client's schema module exports, bundled with or without the plugins. */
function loadSchemas(client: string, withPlugins: boolean): Promise<Record<string, unknown>> {
  return bundleAndImport(client, `export * from ${JSON.stringify(schemaFile(client))};`, withPlugins);
}

/**
 * A comparable form of a schema graph: thunks (`() => Shape$`) are followed, classes become their
 * names, objects met before become references (the graph has cycles).
 */
function canonical(value: unknown, seen = new Map<object, number>()): unknown {
  if (typeof value === 'function') {
    // A bundle renames a class whose name collides (`_AccessDenied`); the compact error classes keep theirs.
    if (/^class\b/.test(Function.prototype.toString.call(value))) return `class ${value.name.replace(/^_+/, '')}`;
    return { thunk: canonical((value as () => unknown)(), seen) };
  }
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return { ref: known };
  seen.set(value, seen.size);
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [canonical(k, seen), canonical(v, seen)]) };
  if (Array.isArray(value)) return value.map((item) => canonical(item, seen));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, canonical(item, seen)]));
}

function canonicalExports(module: Record<string, unknown>): unknown {
  const seen = new Map<object, number>();
  return Object.keys(module)
    .sort()
    .map((name) => [name, canonical(module[name], seen)]);
}

// Each case runs esbuild over a whole SDK client; a busy machine needs more than the default 5 s.
describe('esbuild plugins', { timeout: 60_000 }, () => {
  describe('literalSchemaKeys', () => {
    it('writes every computed key of a const string as a literal', () => {
      // Prepare
      const source =
        'const _h = "http";\nconst _e = "error";\nexport var A$ = [9, { [_h]: ["GET", "/", 200] }, { a: 1, [_e]: _h }];\n';
      // Act
      const { text, rewritten } = plugins.literalSchemaKeys(source);
      // Assess
      expect(rewritten).toBe(2);
      expect(text).toContain('{ "http": ["GET", "/", 200] }, { a: 1, "error": _h }');
    });

    it('leaves computed keys that are not const strings of the module', () => {
      // Prepare
      const source = 'let _h = "http";\nexport var A$ = { [_h]: 1, [other]: 2 };\n';
      // Act
      const { text, rewritten } = plugins.literalSchemaKeys(source);
      // Assess
      expect(rewritten).toBe(0);
      expect(text).toBe(source);
    });

    it.each(CLIENTS)('leaves no computed key in the %s schemas', (client) => {
      // Act
      const { text, rewritten } = plugins.literalSchemaKeys(readFileSync(schemaFile(client), 'utf8'));
      // Assess
      expect(rewritten).toBeGreaterThan(0);
      expect(text.match(/[{,]\s*\[\w+\]:/g)).toBeNull();
    });

    it.each(CLIENTS)('keeps every %s schema value as the SDK defines it', async (client) => {
      // Act
      const [original, trimmed] = await Promise.all([loadSchemas(client, false), loadSchemas(client, true)]);
      // Assess
      expect(Object.keys(trimmed).length).toBeGreaterThan(10);
      expect(canonicalExports(trimmed)).toEqual(canonicalExports(original));
    });
  });

  describe('compactErrorClasses', () => {
    const errorsFile = (client: string) =>
      join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'models', 'errors.js');

    /** What an error built from `opts` is: own fields in order, prototype chain, names. */
    function describeError(ErrorClass: unknown): unknown {
      const Class = ErrorClass as new (opts: Record<string, unknown>) => Error;
      const error = new Class({ message: 'm', Message: 'M', Code: 'C', $metadata: { httpStatusCode: 400 } });
      const chain: string[] = [];
      for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
        chain.push(proto.constructor.name.replace(/^_+/, ''));
      }
      const own = Object.getOwnPropertyNames(error).filter((key) => key !== 'stack');
      return {
        // A bundle renames a colliding class binding (`_AccessDenied`); the error's `name` field is what counts.
        className: Class.name.replace(/^_+/, ''),
        own: own.map((key) => [key, JSON.stringify((error as unknown as Record<string, unknown>)[key])]),
        enumerable: Object.keys(error),
        chain,
        isError: error instanceof Error && error instanceof Class,
        text: String(error),
      };
    }

    it('leaves a module with a class of another shape unchanged', () => {
      // Prepare
      const source =
        'import { X as __BaseException } from "./x";\nexport class A extends __BaseException {\n    name = "A";\n    $fault = "client";\n    constructor(opts) {\n        super(opts);\n    }\n}\n';
      // Act
      const { text, rewritten } = plugins.compactErrorClasses(source);
      // Assess
      expect(rewritten).toBe(0);
      expect(text).toBe(source);
    });

    it.each(CLIENTS)('builds every %s error as the SDK class does, in a third of the bytes', async (client) => {
      // Prepare
      const source = readFileSync(errorsFile(client), 'utf8');
      const entry = `export * from ${JSON.stringify(errorsFile(client))};`;
      // Act
      const { text, rewritten } = plugins.compactErrorClasses(source);
      const [original, compact] = await Promise.all([
        bundleAndImport(`${client}-errors`, entry, false),
        bundleAndImport(`${client}-errors`, entry, true),
      ]);
      // Assess
      expect(rewritten).toBe(source.match(/^export class /gm)?.length);
      expect(text.length).toBeLessThan(source.length / 2);
      expect(Object.keys(compact).sort()).toEqual(Object.keys(original).sort());
      for (const name of Object.keys(original)) {
        expect(describeError(compact[name]), name).toEqual(describeError(original[name]));
      }
    });
  });

  describe('lambdaCredentialsOnly', () => {
    const CHAIN = [
      "import { defaultProvider } from '@aws-sdk/credential-provider-node';",
      'export const resolve = () => defaultProvider({})();',
    ].join('\n');
    const LAMBDA = {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    };

    it('answers from the environment, as in Lambda', async () => {
      // Prepare
      const { resolve } = (await bundleAndImport('chain-env', CHAIN, true)) as { resolve: () => Promise<unknown> };
      const restore = setEnv(LAMBDA);
      try {
        // Act
        const credentials = await resolve();
        // Assess
        expect(credentials).toMatchObject({ accessKeyId: LAMBDA.AWS_ACCESS_KEY_ID, sessionToken: 'token' });
      } finally {
        restore();
      }
    });

    it('lets the left-out providers decline, so the chain reaches its last link', async () => {
      // Prepare
      const { resolve } = (await bundleAndImport('chain-none', CHAIN, true)) as { resolve: () => Promise<unknown> };
      const saved = Object.fromEntries(Object.keys(LAMBDA).map((name) => [name, process.env[name]]));
      for (const name of Object.keys(LAMBDA)) Reflect.deleteProperty(process.env, name);
      const restore = setEnv({
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      });
      try {
        // Act
        const attempt = resolve();
        // Assess
        await expect(attempt).rejects.toThrow(
          /EC2 Instance Metadata Service access disabled|Could not load credentials/,
        );
      } finally {
        restore();
        for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
      }
    });
  });

  describe('eventStreamsLeftOut', () => {
    it('creates an S3 client whose event-stream marshaller refuses to run, saying why', async () => {
      // Prepare
      const source = [
        "import { S3Client } from '@aws-sdk/client-s3';",
        "export const marshaller = () => new S3Client({ region: 'us-east-1' }).config.eventStreamMarshaller;",
      ].join('\n');
      const { marshaller } = (await bundleAndImport('s3-client', source, true)) as {
        marshaller: () => { serialize: () => unknown };
      };
      // Act
      const serialize = () => marshaller().serialize();
      // Assess
      expect(serialize).toThrow(/event-streams is not bundled: expected no event-stream operation/);
    });
  });

  describe('middyGlobalsOnUse', () => {
    it('bundles middy without node:stream/web and node:timers, and its handler still runs', async () => {
      // Prepare
      const source = "import middy from '@middy/core';\nexport const handler = middy(async (event) => event.n + 1);";
      // Act
      const { handler } = (await bundleAndImport('middy', source, true)) as {
        handler: (e: unknown, c: unknown) => unknown;
      };
      const text = readFileSync(join(dir, 'middy-trimmed.mjs'), 'utf8');
      // Assess: the globals it reads instead are the very class and function it imported.
      expect(text).not.toMatch(/node:stream\/web|node:timers/);
      expect(await handler({ n: 1 }, {})).toBe(2);
      expect(globalThis.ReadableStream).toBe((await import('node:stream/web')).ReadableStream);
      expect(globalThis.setTimeout).toBe((await import('node:timers')).setTimeout);
    });

    it('fails the build when middy no longer imports them as expected', () => {
      // Prepare
      const original = readFileSync(join(ROOT, 'node_modules', '@middy', 'core', 'index.js'), 'utf8');
      const changed = original.replace('import { setTimeout } from "node:timers";\n', '');
      // Act
      const rewrite = () => plugins.middyGlobalBuiltins(changed);
      // Assess
      expect(plugins.middyGlobalBuiltins(original)).not.toMatch(/node:stream\/web|node:timers/);
      expect(rewrite).toThrow(/@middy\/core: expected each of .* once, got 1, 0, 1/);
    });
  });
});
